package dispool.host.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Booting guests held still for the few milliseconds of a hand-out. Under TCG a booting guest
 * takes a whole CPU for seconds, and on a small machine the guest being handed out (and the
 * threads that carry its {@code cont} and agent answer) then wait for a CPU: 10–14 ms instead of
 * 2 on two CPUs. So while a hand-out is in progress every guest that is booting is stopped over
 * QMP ({@code stop}, sent without waiting for its reply), and continued ({@code cont}) when the
 * last hand-out in progress ends. A stopped guest's virtual clocks stop with it: its boot notices
 * nothing but the delay. No privilege is needed (nice, cgroups and affinity would).
 *
 * <p>A guest boots from its launch until its agent first answers, or until it is paused (a
 * preload) or its boot ends: a handed-out disposable is never stopped. A booting guest that
 * answers while stopped is continued at once; one paused while stopped stays stopped. The
 * {@code STOP} and {@code RESUME} events of the throttle's own commands are not domain events
 * ({@link #ownEvent}). All state is guarded by {@code this}; a command is only written to the
 * socket under it, never waited for. Should dispool die within a hand-out, the guests it stopped
 * stay stopped: the next start finds them paused before their boot completed, which restart
 * recovery treats as an interrupted preload (removed), as it would a boot cut short.
 */
final class BootThrottle {

    private static final Logger LOG = Logger.getLogger(BootThrottle.class);

    /** A hand-out in progress; closing it ends the hold (booting guests continue after the last). */
    interface Hold extends AutoCloseable {
        @Override
        void close();
    }

    /** Sends a QMP command to one guest without waiting ({@link QemuVm#submit}); the future is its reply. */
    interface Commands {
        CompletableFuture<JsonNode> submit(String command) throws IOException;
    }

    private static final class Booting {
        final Commands qmp;
        boolean stopped;

        Booting(Commands qmp) {
            this.qmp = qmp;
        }
    }

    private final Map<String, Booting> booting = new HashMap<>();
    /** QMP events still to come from the throttle's own commands, per guest: [STOP, RESUME]. */
    private final Map<String, int[]> own = new HashMap<>();
    private int handOuts;
    private boolean enabled = true;

    /** Off: hand-outs leave booting guests alone (to measure what the throttle buys). */
    synchronized void enabled(boolean on) {
        enabled = on;
    }

    /** {@code qube} was launched and boots; stopped at once when a hand-out is in progress. */
    synchronized void booting(String qube, Commands qmp) {
        Booting b = new Booting(qmp);
        booting.put(qube, b);
        if (handOuts > 0 && enabled) {
            stop(qube, b);
        }
    }

    /** Its agent answered: no longer booting, and continued if the throttle had stopped it. */
    synchronized void answered(String qube) {
        Booting b = booting.remove(qube);
        if (b != null && b.stopped) {
            cont(qube, b);
        }
    }

    /** Paused (a preload) or halted: no longer booting; a guest the throttle stopped stays stopped. */
    synchronized void leave(String qube) {
        booting.remove(qube);
    }

    /** The guest is gone: nothing more is expected of it. */
    synchronized void gone(String qube) {
        booting.remove(qube);
        own.remove(qube);
    }

    /** Starts a hand-out: the first one in progress stops every booting guest. */
    synchronized Hold hold() {
        if (handOuts++ == 0 && enabled) {
            booting.forEach((qube, b) -> stop(qube, b));
        }
        return this::release;
    }

    private synchronized void release() {
        if (--handOuts == 0) {
            booting.forEach((qube, b) -> {
                if (b.stopped) {
                    cont(qube, b);
                }
            });
        }
    }

    /** True when this QMP event of {@code qube} answers the throttle's own command: not a domain event. */
    synchronized boolean ownEvent(String qube, String event) {
        int[] expected = own.get(qube);
        int i = "STOP".equals(event) ? 0 : "RESUME".equals(event) ? 1 : -1;
        if (expected == null || i < 0 || expected[i] == 0) {
            return false;
        }
        expected[i]--;
        if (expected[0] == 0 && expected[1] == 0) {
            own.remove(qube);
        }
        return true;
    }

    synchronized boolean isStopped(String qube) {
        Booting b = booting.get(qube);
        return b != null && b.stopped;
    }

    private void stop(String qube, Booting b) {
        if (!b.stopped && send(qube, b, "stop")) {
            b.stopped = true;
            own.computeIfAbsent(qube, q -> new int[2])[0]++;
        }
    }

    private void cont(String qube, Booting b) {
        if (send(qube, b, "cont")) {
            b.stopped = false;
            own.computeIfAbsent(qube, q -> new int[2])[1]++;
        }
    }

    /** Writes the command; a refusal is logged when its reply comes. False when QEMU is gone (its halt follows). */
    private static boolean send(String qube, Booting b, String command) {
        try {
            b.qmp.submit(command).thenAccept(reply -> logRefusal(qube, command, reply));
            return true;
        } catch (IOException e) {
            LOG.debugf("%s: throttle's QMP %s not sent: %s", qube, command, e.getMessage());
            return false;
        }
    }

    private static void logRefusal(String qube, String command, JsonNode reply) {
        if (reply.has("error")) {
            LOG.warnf("%s: QMP %s (booting guests held still during a hand-out) refused: %s", qube, command,
                    reply.get("error").path("desc").asText());
        }
    }
}
