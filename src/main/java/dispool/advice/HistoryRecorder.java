package dispool.advice;

import dispool.pool.PoolEvent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Turns the engine's events into history lines: every hand-out with how it was served, the number
 * of preloads each pool holds whenever it changes (for the memory held over time), and how long
 * each preload took to become ready (the refill time of the replay).
 *
 * <p>Event times are host milliseconds since the engine's clock started; the recorder adds the
 * wall-clock epoch of that start, so lines written before a restart stay in order with the new
 * ones. A preload is counted from its PRELOAD_STARTED; one adopted at a restart (no start seen)
 * is not counted as held, a known gap of a few preloads until the pool turns over.
 */
public final class HistoryRecorder implements Consumer<PoolEvent> {

    private final HistoryStore store;
    private final long epochOffsetMillis;
    private final Map<String, Long> startedAt = new HashMap<>();
    private final Set<String> ready = new HashSet<>();
    private final Map<String, Set<String>> held = new HashMap<>();

    /**
     * @param hostMillis the engine's clock now (host ms since its start), read once to line it up
     *                   with the wall clock
     */
    public HistoryRecorder(HistoryStore store, LongSupplier hostMillis, long epochMillisNow) {
        this.store = store;
        this.epochOffsetMillis = epochMillisNow - hostMillis.getAsLong();
    }

    /** History time (epoch ms) of a host time of the engine's clock. */
    public long toHistoryMillis(long hostMillis) {
        return epochOffsetMillis + hostMillis;
    }

    @Override
    public synchronized void accept(PoolEvent e) {
        if (e.template() == null || e.qube() == null) {
            return;
        }
        long at = toHistoryMillis(e.atMillis());
        switch (e.type()) {
            case PRELOAD_STARTED -> started(e.template(), e.qube(), at);
            case PRELOAD_READY -> ready(e.template(), e.qube(), at);
            case HANDED_OUT -> handedOut(e, at);
            case PRELOAD_DISCARDED, PRELOAD_FAILED, USED_ELSEWHERE, QUBE_REMOVED -> left(e.template(), e.qube(), at);
            default -> { }
        }
    }

    private void started(String template, String qube, long at) {
        startedAt.put(qube, at);
        Set<String> names = held.computeIfAbsent(template, t -> new HashSet<>());
        if (names.add(qube)) {
            store.add(HistoryEntry.held(at, template, names.size()));
        }
    }

    private void ready(String template, String qube, long at) {
        Long start = startedAt.remove(qube);
        ready.add(qube);
        if (start != null) {
            store.add(HistoryEntry.refill(at, template, at - start));
        }
    }

    /** A preload that started and was never ready was waited for; one the host preloaded was ready. */
    private void handedOut(PoolEvent e, long at) {
        boolean preloaded = Boolean.TRUE.equals(e.data().get("preloaded"));
        String path = !preloaded ? HistoryEntry.COLD
                : startedAt.containsKey(e.qube()) && !ready.contains(e.qube()) ? HistoryEntry.WAITED : HistoryEntry.READY;
        Object usable = e.data().get("usableAfterMs");
        store.add(HistoryEntry.handOut(at, e.template(), path, usable instanceof Number n ? n.doubleValue() : 0));
        left(e.template(), e.qube(), at);
    }

    private void left(String template, String qube, long at) {
        startedAt.remove(qube);
        ready.remove(qube);
        Set<String> names = held.get(template);
        if (names != null && names.remove(qube)) {
            store.add(HistoryEntry.held(at, template, names.size()));
        }
    }
}
