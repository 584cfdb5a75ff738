package dispool.pool;

import dispool.host.Backoff;
import dispool.host.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One {@link PoolRunner} per template, and the ways the engine asks for a reconcile: one pool,
 * every pool (after catching up with the host), or after a knob changed (refill now, forget the
 * backoff).
 */
final class EngineRunners implements Preloading.Runners {

    private final Map<String, PoolRunner> runners = new ConcurrentHashMap<>();
    private final PreloadIndex index;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final Clock clock;
    private final Backoff backoff;
    private final RefillPolicies refill;
    private final DvmTemplates templates;
    private final Function<String, PoolReconciler.Next> reconcile;
    private final Consumer<String> catchUp;

    /**
     * @param reconcile runs one template's reconcile (the engine's, which knows who keeps the pools)
     * @param catchUp   compares the engine's pools with the host before every pool is reconciled
     */
    EngineRunners(PreloadIndex index, ExecutorService workers, ScheduledExecutorService timers, Clock clock,
            Backoff backoff, RefillPolicies refill, DvmTemplates templates,
            Function<String, PoolReconciler.Next> reconcile, Consumer<String> catchUp) {
        this.index = index;
        this.workers = workers;
        this.timers = timers;
        this.clock = clock;
        this.backoff = backoff;
        this.refill = refill;
        this.templates = templates;
        this.reconcile = reconcile;
        this.catchUp = catchUp;
    }

    @Override
    public void mark(Pool pool, String reason) {
        mark(pool.template, reason);
    }

    @Override
    public void markAfter(Pool pool, Duration hostDelay) {
        runner(pool.template).markAfter(hostDelay);
    }

    void mark(String template, String reason) {
        runner(template).mark(reason);
    }

    /** Catches up with the host on a worker ({@link HostCatchUp}), then reconciles every pool. */
    void markAll(String reason) {
        workers.execute(() -> {
            catchUp.accept(reason);
            index.pools().forEach(p -> mark(p.template, reason));
        });
    }

    /** A knob changed: the pool refills at once and forgets its backoff. */
    void knobChanged(String template, String reason) {
        Pool pool = templates.poolFor(template);
        refill.refillNow(pool, clock.nanos());
        pool.backoff.succeeded();
        mark(template, reason);
    }

    /**
     * The periodic resync also reads the preloads' volumes (an update may fire no event dispool
     * saw) and their memory.
     */
    void resync() {
        index.pools().forEach(p -> {
            p.volumesToCheck = true;
            p.memoryToRead = true;
        });
        markAll("periodic resync");
    }

    private PoolRunner runner(String template) {
        return runners.computeIfAbsent(template, t -> new PoolRunner(t, reconcile, workers, timers, clock, backoff));
    }
}
