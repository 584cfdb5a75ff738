package dispool.host.qemu;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Starting guests held still for the few milliseconds of a hand-out. Under TCG a booting guest
 * takes a whole CPU for seconds, and QEMU's own start (before its QMP answers) about 160 ms; on a
 * small machine the guest being handed out (and the threads that carry its {@code cont} and agent
 * answer) then wait for a CPU. So while a hand-out is in progress every QEMU that is starting or
 * booting is stopped with SIGSTOP, and continued with SIGCONT when the last hand-out in progress
 * ends; and a launch waits, at most {@link #LAUNCH_WAIT}, for no hand-out to be in progress.
 *
 * <p>A signal, not QMP {@code stop}: the kernel stops the process at once, where QMP would make
 * the booting QEMU wake up and work (read, pause its vCPU, reply, send {@code STOP}) at the very
 * moment of the hand-out, and QMP is not there before QEMU's start completes. The guest sees a
 * stop of a few milliseconds as it sees the host's scheduler preempting it (its clocks run on), and
 * the host sees no pause. No privilege is needed: dispool owns the process (nice back up, cgroups
 * and affinity would need one).
 *
 * <p>A guest starts at its launch and boots until its agent first answers, or until it is paused
 * (a preload), killed or gone: a handed-out disposable is never stopped. Leaving continues a
 * stopped guest at once, so a QMP command that follows (the preload's {@code stop}, {@code quit})
 * is answered. All state is guarded by {@code this}. Should dispool die within a hand-out, the
 * guests it stopped stay stopped: the next start cannot reach their QMP, and removes them as
 * interrupted preloads, as it would a boot cut short.
 */
final class BootThrottle {

    private static final Logger LOG = Logger.getLogger(BootThrottle.class);
    /** The longest a launch waits for hand-outs to end: past it, it launches anyway (a refill is never lost). */
    static final Duration LAUNCH_WAIT = Duration.ofSeconds(1);

    /** A hand-out in progress; closing it ends the hold (starting guests continue after the last). */
    interface Hold extends AutoCloseable {
        @Override
        void close();
    }

    private static final class Starting {
        /** QEMU's process id once known (its pid file written), 0 until then. */
        final LongSupplier pid;
        long stopped;

        Starting(LongSupplier pid) {
            this.pid = pid;
        }
    }

    private final Signals signals;
    private final Map<String, Starting> starting = new HashMap<>();
    private int handOuts;
    private boolean enabled = true;

    BootThrottle() {
        this(Signals.LIBC);
    }

    BootThrottle(Signals signals) {
        this.signals = signals;
    }

    /** Off: hand-outs leave starting guests alone (to measure what the throttle buys). */
    synchronized void enabled(boolean on) {
        enabled = on;
    }

    /**
     * Waits until no hand-out is in progress, at most {@link #LAUNCH_WAIT}: a QEMU launched now
     * would spend its own start (exec, libraries, devices) beside the hand-out, before it can be
     * stopped.
     */
    synchronized void awaitNoHandOut() throws InterruptedException {
        long deadline = System.nanoTime() + LAUNCH_WAIT.toNanos();
        for (long left = LAUNCH_WAIT.toNanos(); enabled && handOuts > 0 && left > 0; left = deadline - System.nanoTime()) {
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /**
     * {@code qube}'s QEMU is being launched; {@code pid} gives its process id once its pid file
     * is written (0 before). Stopped as soon as a hand-out finds it known.
     */
    synchronized void launching(String qube, LongSupplier pid) {
        starting.put(qube, new Starting(pid));
    }

    /** {@code qube}'s QEMU runs ({@code pid}) and its guest boots; stopped at once when a hand-out is in progress. */
    synchronized void booting(String qube, long pid) {
        Starting s = new Starting(() -> pid);
        starting.put(qube, s);
        if (handOuts > 0 && enabled) {
            stop(qube, s);
        }
    }

    /**
     * No longer starting: its agent answered, it is to be paused (a preload) or killed, or it is
     * gone. Continued at once if stopped, so that the QMP command that follows is answered.
     */
    synchronized void leave(String qube) {
        Starting s = starting.remove(qube);
        if (s != null && s.stopped != 0) {
            cont(qube, s);
        }
    }

    /** Starts a hand-out: the first one in progress stops every starting guest whose process is known. */
    synchronized Hold hold() {
        if (handOuts++ == 0 && enabled) {
            starting.forEach(this::stop);
        }
        return this::release;
    }

    private synchronized void release() {
        if (--handOuts == 0) {
            starting.forEach((qube, s) -> {
                if (s.stopped != 0) {
                    cont(qube, s);
                }
            });
            notifyAll();
        }
    }

    synchronized boolean isStopped(String qube) {
        Starting s = starting.get(qube);
        return s != null && s.stopped != 0;
    }

    private void stop(String qube, Starting s) {
        long pid = s.pid.getAsLong();
        if (s.stopped == 0 && pid > 0 && signals.stop(pid)) {
            s.stopped = pid;
        }
    }

    private void cont(String qube, Starting s) {
        if (!signals.cont(s.stopped)) {
            LOG.debugf("%s: its QEMU %d exited while held still during a hand-out", qube, s.stopped);
        }
        s.stopped = 0;
    }
}
