package dispool.pool;

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
 */
public record EngineSettings(Marks marks, Backoff backoff, Duration resyncInterval, Duration memoryRetry,
        Duration suspendTimeout, PreloadOwner owner) {

    public static EngineSettings defaults() {
        return new EngineSettings(Marks.qubes(), Backoff.DEFAULT, Duration.ofSeconds(60), Duration.ofSeconds(10),
                Duration.ofSeconds(120), PreloadOwner.DISPOOL);
    }

    public EngineSettings withResyncInterval(Duration d) {
        return new EngineSettings(marks, backoff, d, memoryRetry, suspendTimeout, owner);
    }
}
