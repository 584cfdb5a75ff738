package dispool.pool;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * How long each template's preloads take from start to ready, measured from the engine's own
 * events (the last {@link #KEPT} per template): the refill time of the adaptive policy's model,
 * with whatever contention the host had at the time.
 */
final class RefillTimes implements Consumer<PoolEvent> {

    static final int KEPT = 32;

    private final Map<String, Long> startedAt = new ConcurrentHashMap<>();
    private final Map<String, Deque<Long>> times = new ConcurrentHashMap<>();

    @Override
    public void accept(PoolEvent e) {
        if (e.qube() == null) {
            return;
        }
        switch (e.type()) {
            case PRELOAD_STARTED -> startedAt.put(e.qube(), e.atMillis());
            case PRELOAD_READY -> {
                Long start = startedAt.remove(e.qube());
                if (start != null) {
                    add(e.template(), e.atMillis() - start);
                }
            }
            case HANDED_OUT, PRELOAD_FAILED, PRELOAD_DISCARDED, QUBE_REMOVED, USED_ELSEWHERE -> startedAt.remove(e.qube());
            default -> { }
        }
    }

    private void add(String template, long ms) {
        Deque<Long> d = times.computeIfAbsent(template, t -> new ArrayDeque<>());
        synchronized (d) {
            d.addLast(ms);
            while (d.size() > KEPT) {
                d.removeFirst();
            }
        }
    }

    /** The median measured start → ready of the template, seconds; {@code fallback} before any. */
    double medianSeconds(String template, Duration fallback) {
        Deque<Long> d = times.get(template);
        long[] v;
        if (d == null) {
            return fallback.toMillis() / 1000.0;
        }
        synchronized (d) {
            v = d.stream().mapToLong(Long::longValue).toArray();
        }
        if (v.length == 0) {
            return fallback.toMillis() / 1000.0;
        }
        Arrays.sort(v);
        return v[v.length / 2] / 1000.0;
    }
}
