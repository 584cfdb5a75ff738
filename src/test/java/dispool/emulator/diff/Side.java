package dispool.emulator.diff;

import dispool.host.sim.SimHost;
import java.util.List;

/**
 * One side of the differential: who preloads on the simulated host. A user's request is what
 * {@code qvm-run --dispvm} does: get a disposable and have it running.
 */
interface Side extends AutoCloseable {

    /**
     * A disposable the user got, whether it came from the pool, and whether it came cold only
     * because qubesd's restart had just interrupted the preloads (the reference's own record).
     */
    record Served(String name, boolean preloaded, boolean lostToRestart) {

        Served(String name, boolean preloaded) {
            this(name, preloaded, false);
        }
    }

    String label();

    /** The DVM template the workload is run on. */
    String dvm();

    SimHost host();

    /** The host has booted: start preloading (qubesd's boot service, or dispool's start). */
    void boot();

    /** Blocks until the user has a running disposable of {@code template}. */
    Served request(String template);

    /** Preloads held for {@code template} now, starting or ready. */
    default int held(String template) {
        return heldNames(template).size();
    }

    /** Preloads of {@code template} ready to be handed out (operational and paused). */
    int ready(String template);

    /** The names of the preloads held for {@code template} now. */
    List<String> heldNames(String template);

    /**
     * {@code qvm-prefs QUBE NAME VALUE}. Where qubesd preloads, the change goes through its
     * {@code property-pre-set} handlers; here qubesd has none for preloads (R4.2), so it is the host's.
     */
    default void setProperty(String qube, String name, String value) {
        host().setProperty(qube, name, value);
    }

    /** {@code qubes-prefs NAME VALUE} (empty: reset); as {@link #setProperty}, through qubesd's handlers where it preloads. */
    default void setGlobalProperty(String name, String value) {
        host().setGlobalProperty(name, value);
    }

    /** Why each preload was thrown away without being handed out, oldest first. */
    List<String> discards();

    void restartDispool();

    void restartQubesd();

    /** Before the host sleeps; returns once the pools are drained. */
    void suspend();

    void resume();

    @Override
    void close();
}
