package dispool.pool;

import dispool.host.Backoff;
import java.time.Duration;

/**
 * The engine's own settings (the pool knobs live on the host as features, see
 * {@link PreloadFeatures}). Durations are host time.
 *
 * @param marks          bookkeeping feature names ({@link Marks#qubes()} or a prefixed set)
 * @param backoff        retry policy after a failed preload
 * @param resyncInterval how often every pool is reconciled even without events, to catch lost
 *                       events and changes that fire none (a resized private volume)
 * @param memoryRetry    how soon a pool waiting for memory looks again
 * @param suspendTimeout how long a host suspend waits for the pools to drain
 * @param owner          who fills the pools: dispool, or the host itself (qubesd R4.3)
 * @param limits         how much work the engine takes on at once ({@link WorkLimits})
 * @param rules          whose preload rules decide support and readiness ({@link QubesRules}; R43 unless set)
 */
public record EngineSettings(Marks marks, Backoff backoff, Duration resyncInterval, Duration memoryRetry,
        Duration suspendTimeout, PreloadOwner owner, WorkLimits limits, QubesRules rules) {

    /**
     * @param workers       threads of the engine's worker pool (hand-outs, preload starts, removals);
     *                      more work waits in its queue
     * @param maxColdStarts cold starts running at once; beyond it a hand-out is refused BUSY
     */
    public record WorkLimits(int workers, int maxColdStarts) {
        public static final WorkLimits DEFAULT = new WorkLimits(64, 4);

        public WorkLimits {
            if (workers < 2) {
                throw new IllegalArgumentException("dispool.engine.workers " + workers + " refused: must be at least 2");
            }
            if (maxColdStarts < 1) {
                throw new IllegalArgumentException("dispool.engine.max-cold-starts " + maxColdStarts
                        + " refused: must be at least 1");
            }
        }
    }

    public EngineSettings(Marks marks, Backoff backoff, Duration resyncInterval, Duration memoryRetry,
            Duration suspendTimeout, PreloadOwner owner, WorkLimits limits) {
        this(marks, backoff, resyncInterval, memoryRetry, suspendTimeout, owner, limits, QubesRules.R43);
    }

    public EngineSettings(Marks marks, Backoff backoff, Duration resyncInterval, Duration memoryRetry,
            Duration suspendTimeout, PreloadOwner owner) {
        this(marks, backoff, resyncInterval, memoryRetry, suspendTimeout, owner, WorkLimits.DEFAULT);
    }

    public static EngineSettings defaults() {
        return new EngineSettings(Marks.qubes(), Backoff.DEFAULT, Duration.ofSeconds(60), Duration.ofSeconds(10),
                Duration.ofSeconds(120), PreloadOwner.DISPOOL);
    }

    public EngineSettings withResyncInterval(Duration d) {
        return new EngineSettings(marks, backoff, d, memoryRetry, suspendTimeout, owner, limits, rules);
    }

    public EngineSettings withLimits(WorkLimits l) {
        return new EngineSettings(marks, backoff, resyncInterval, memoryRetry, suspendTimeout, owner, l, rules);
    }

    public EngineSettings withRules(QubesRules r) {
        return new EngineSettings(marks, backoff, resyncInterval, memoryRetry, suspendTimeout, owner, limits, r);
    }
}
