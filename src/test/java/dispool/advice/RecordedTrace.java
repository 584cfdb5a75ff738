package dispool.advice;

import dispool.bench.Traffic;
import dispool.pool.PoolEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The engine's events for a trace served by a fixed pool (each hand-out starts one refill that is
 * ready {@code refillMs} later), fed to a recorder in time order: what a service with this pool
 * would have recorded.
 */
final class RecordedTrace {

    private record Slot(long freeAt, String qube, PoolEvent ready) {
    }

    private RecordedTrace() {
    }

    static void record(Traffic traffic, String template, int max, long refillMs, HistoryRecorder recorder) {
        List<PoolEvent> events = new ArrayList<>();
        PriorityQueue<Slot> slots = new PriorityQueue<>(Comparator.comparingLong(Slot::freeAt));
        int[] next = {0};
        for (int i = 0; i < max; i++) {
            slots.add(start(template, -refillMs, refillMs, next, events));
        }
        for (Traffic.Arrival a : traffic.arrivals()) {
            long t = a.atMs();
            Slot s = slots.poll();
            long usable = s == null ? 7_000 : Math.max(0, s.freeAt() - t) + 15;
            String qube = s == null ? "cold" + next[0]++ : s.qube();
            if (s != null && s.freeAt() > t) {
                events.remove(s.ready()); // claimed while starting: the engine hands it out when operational, never paused
            }
            events.add(new PoolEvent(PoolEvent.Type.HANDED_OUT, template, qube, "test", t + usable,
                    Map.of("preloaded", s != null, "usableAfterMs", (double) usable)));
            if (s != null) {
                slots.add(start(template, Math.max(t, s.freeAt()), refillMs, next, events));
            }
        }
        events.sort(Comparator.comparingLong(PoolEvent::atMillis));
        events.forEach(recorder);
    }

    private static Slot start(String template, long at, long refillMs, int[] next, List<PoolEvent> events) {
        String qube = "disp" + next[0]++;
        events.add(new PoolEvent(PoolEvent.Type.PRELOAD_STARTED, template, qube, "test", at, Map.of()));
        PoolEvent ready = new PoolEvent(PoolEvent.Type.PRELOAD_READY, template, qube, "test", at + refillMs, Map.of());
        events.add(ready);
        return new Slot(at + refillMs, qube, ready);
    }
}
