package dispool.pool;

import dispool.host.Clock;
import dispool.host.QubesHost;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every step of the preload lifecycle shares ({@link PreloadLifecycle}): the host, where
 * its events go, the engine's threads, and whom to tell when a pool changed.
 */
final class LifecycleContext {

    private static final System.Logger LOG = System.getLogger(PreloadLifecycle.class.getName());

    final QubesHost host;
    final Clock clock;
    final Marks marks;
    final PoolEvents events;
    final PreloadIndex index;
    final Executor workers;
    final ScheduledExecutorService timers;
    final PreloadLifecycle.Listener listener;

    LifecycleContext(QubesHost host, Marks marks, PoolEvents events, PreloadIndex index, Executor workers,
            ScheduledExecutorService timers, PreloadLifecycle.Listener listener) {
        this.host = host;
        this.clock = host.clock();
        this.marks = marks;
        this.events = events;
        this.index = index;
        this.workers = workers;
        this.timers = timers;
        this.listener = listener;
    }

    void publish(PoolEvent.Type type, Preload p, String reason, Map<String, Object> data) {
        events.publish(new PoolEvent(type, p.template, p.name, reason, clock.millis(), data));
    }

    /** Logs and publishes what went wrong without stopping the step: the pool's view shows it. */
    void warn(Pool pool, String message) {
        LOG.log(System.Logger.Level.WARNING, message);
        events.publish(new PoolEvent(PoolEvent.Type.WARNING, pool.template, null, message, clock.millis(), Map.of()));
    }

    /** Takes a preload out of the pool and the engine's index (handed out, used or removed). */
    void leave(Pool pool, Preload p, PreloadState state) {
        p.state = state;
        pool.preloads.remove(p);
        index.remove(p);
    }
}
