package dispool.pool;

import java.util.Map;

/**
 * Something that happened to a pool or one of its disposables, published for metrics, the SSE
 * stream and the audit log. {@code qube} is null for pool-wide events; {@code reason} says why
 * in words; {@code data} carries figures (timings, counts).
 */
public record PoolEvent(Type type, String template, String qube, String reason, long atMillis, Map<String, Object> data) {

    public enum Type {
        /** A preload is being created. */
        PRELOAD_STARTED,
        /** A preload is operational and paused. */
        PRELOAD_READY,
        /** A preload failed to start; it is removed and the pool backs off. */
        PRELOAD_FAILED,
        /** A preload was taken out of the pool without a hand-out (outdated, excess, suspend…). */
        PRELOAD_DISCARDED,
        /** A qube the engine made is gone from the host. */
        QUBE_REMOVED,
        /** A disposable was handed out, preloaded or cold. */
        HANDED_OUT,
        /** A preload was unpaused by someone else: it counts as used and leaves the pool. */
        USED_ELSEWHERE,
        /** Preloads wait for memory. */
        MEMORY_WAIT,
        /** A problem the pool keeps running through (a failed removal, a bad knob value on the host). */
        WARNING
    }

    public PoolEvent {
        data = data == null ? Map.of() : Map.copyOf(data);
    }
}
