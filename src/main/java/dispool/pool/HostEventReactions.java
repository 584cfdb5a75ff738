package dispool.pool;

import java.util.concurrent.Executor;

/** How the engine answers the host's events, once {@link HostEventRouter} has sorted them. */
final class HostEventReactions implements HostEventRouter.Target {

    private final PreloadIndex index;
    private final EngineRunners runners;
    private final Executor workers;
    private final HostCatchUp catchUp;
    private final PreloadLifecycle lifecycle;

    HostEventReactions(PreloadIndex index, EngineRunners runners, Executor workers, HostCatchUp catchUp,
            PreloadLifecycle lifecycle) {
        this.index = index;
        this.runners = runners;
        this.workers = workers;
        this.catchUp = catchUp;
        this.lifecycle = lifecycle;
    }

    @Override
    public void markAll(String reason) {
        runners.markAll(reason);
    }

    @Override
    public void reconnected(String reason) {
        // A template update may have ended while the stream was down: hold hand-outs until checked.
        index.pools().forEach(p -> p.volumeChanges.incrementAndGet());
        runners.markAll(reason);
    }

    @Override
    public void markTemplate(String template, String reason, boolean knobChanged) {
        if (index.pool(template) != null) {
            if (knobChanged) {
                runners.knobChanged(template, reason);
            } else {
                runners.mark(template, reason);
            }
            return;
        }
        workers.execute(() -> {
            if (catchUp.isDvmTemplate(template)) {
                runners.knobChanged(template, reason);
            }
        });
    }

    @Override
    public void templateChanged(String template, String property) {
        Pool pool = index.pool(template);
        pool.templateSuspect = true;
        runners.mark(template, property + " of " + template + " changed");
    }

    @Override
    public void preloadUnpaused(Preload p) {
        Pool pool = index.pool(p.template);
        // Only a READY preload can be used elsewhere; the start's own domain-unpaused mostly
        // arrives before that. One read late is told apart by usedElsewhere, from the host's state.
        if (pool != null && p.state == PreloadState.READY) {
            workers.execute(() -> lifecycle.usedElsewhere(pool, p));
        }
    }

    @Override
    public void volumesMayBeOutdated(Pool pool, String reason) {
        pool.volumeChanges.incrementAndGet();
        runners.mark(pool.template, reason);
    }

    @Override
    public void preloadGone(Preload p, String reason) {
        Pool pool = index.pool(p.template);
        if (pool != null) {
            lifecycle.discard(pool, p, reason);
        }
    }
}
