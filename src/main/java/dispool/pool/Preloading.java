package dispool.pool;

/**
 * Who keeps the pools, seen from the engine: dispool itself ({@link ManagedPreloading}) or the
 * host (qubesd R4.3 preloading natively, {@link HostPreloads}). The engine wires one of them and
 * never asks which.
 */
interface Preloading {

    /** Hands out one disposable of the pool; runs on a worker or a caller's own thread. */
    HandOut handOut(Pool pool);

    /** Brings the pool in line with its settings; says when to run again. */
    PoolReconciler.Next reconcile(Pool pool, boolean suspended);

    /** The pool as the API shows it. */
    PoolView view(Pool pool);

    /** Asks for a pool's reconcile, now or after a host-time delay (the engine's runners). */
    interface Runners {
        void mark(Pool pool, String reason);

        void markAfter(Pool pool, java.time.Duration hostDelay);
    }
}
