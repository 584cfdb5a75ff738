package dispool.pool;

import dispool.host.Clock;
import java.time.Duration;

/**
 * dispool keeps the pools ({@link PreloadOwner#DISPOOL}): its own preloads through
 * {@link PreloadLifecycle}, filled by {@link PoolReconciler} when the {@link RefillPolicy} says.
 */
final class ManagedPreloading implements Preloading {

    private final PreloadLifecycle lifecycle;
    private final PoolReconciler reconciler;
    private final RefillPolicy refill;
    private final Runners runners;
    private final Clock clock;
    private final PreloadMemory memoryHeld;

    ManagedPreloading(PreloadLifecycle lifecycle, PoolReconciler reconciler, RefillPolicy refill, Runners runners,
            Clock clock, PreloadMemory memoryHeld) {
        this.lifecycle = lifecycle;
        this.reconciler = reconciler;
        this.refill = refill;
        this.runners = runners;
        this.clock = clock;
        this.memoryHeld = memoryHeld;
    }

    /**
     * The request may start a gap timer; a claimed preload still starting can keep it waiting for
     * seconds, but it counts as used (and the refill follows) once its start returned, as in qubesd.
     */
    @Override
    public HandOut handOut(Pool pool) {
        refill.requested(pool, clock.nanos());
        pool.refill.next().ifPresent(at -> runners.markAfter(pool, Duration.ofNanos(Math.max(1, at - clock.nanos()))));
        HandOut h = lifecycle.handOut(pool, () -> {
            refill.used(pool, clock.nanos());
            runners.mark(pool, "a preload of " + pool.template + " was used");
        });
        runners.mark(pool, "hand-out of " + h.name());
        return h;
    }

    /** Then the paused preloads' memory: those never read, or all of them on the periodic resync ({@link PreloadMemory}). */
    @Override
    public PoolReconciler.Next reconcile(Pool pool, String drain) {
        PoolReconciler.Next next = reconciler.reconcile(pool, drain);
        memoryHeld.readPaused(pool);
        return next;
    }

    @Override
    public PoolView view(Pool pool) {
        return PoolView.of(pool, clock.nanos());
    }
}
