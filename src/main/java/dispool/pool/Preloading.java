package dispool.pool;

/**
 * Who keeps the pools, seen from the engine: dispool itself ({@link ManagedPreloading}) or the
 * host (qubesd R4.3 preloading natively, {@link HostPreloads}). The engine wires one of them and
 * never asks which.
 */
interface Preloading {

    /** Hands out one disposable of the pool; runs on a worker or a caller's own thread. */
    HandOut handOut(Pool pool);

    /**
     * Brings the pool in line with its settings; says when to run again. {@code drain}: why the
     * pool must hold nothing now (a host suspend, a user's command qubesd would refuse), or null.
     */
    PoolReconciler.Next reconcile(Pool pool, String drain);

    /** The pool as the API shows it. */
    PoolView view(Pool pool);

    /** Asks for a pool's reconcile, now or after a host-time delay (the engine's runners). */
    interface Runners {
        void mark(Pool pool, String reason);

        void markAfter(Pool pool, java.time.Duration hostDelay);
    }
}
