package dispool.pool;

import dispool.host.Clock;

/** How the engine answers what the preload lifecycle tells it ({@link PreloadLifecycle.Listener}). */
final class LifecycleReactions implements PreloadLifecycle.Listener {

    private final PreloadIndex index;
    private final EngineRunners runners;
    private final RefillPolicies refill;
    private final Clock clock;
    private final Runnable poolsChanged;

    /** @param poolsChanged runs after any pool changed (a pending host suspend checks whether all drained) */
    LifecycleReactions(PreloadIndex index, EngineRunners runners, RefillPolicies refill, Clock clock,
            Runnable poolsChanged) {
        this.index = index;
        this.runners = runners;
        this.refill = refill;
        this.clock = clock;
        this.poolsChanged = poolsChanged;
    }

    /** Starts are limited host-wide: any pool that holds some back may start one now. */
    @Override
    public void startEnded(Pool pool) {
        index.pools().stream().filter(p -> p.deferredStarts > 0)
                .forEach(p -> runners.mark(p.template, "a start finished: " + p.deferredStarts + " waiting to start"));
    }

    @Override
    public void poolChanged(Pool pool, String reason) {
        runners.mark(pool.template, reason);
        poolsChanged.run();
    }

    @Override
    public void usedElsewhere(Pool pool, String reason) {
        refill.used(pool, clock.nanos());
        poolChanged(pool, reason);
    }
}
