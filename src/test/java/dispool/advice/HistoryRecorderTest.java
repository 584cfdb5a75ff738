package dispool.advice;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dispool.pool.PoolEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryRecorderTest {

    private final HistoryStore store = HistoryStore.inMemory(1_000);
    private final HistoryRecorder recorder = new HistoryRecorder(store, () -> 0L, 1_000_000L);

    @Test
    void handOutsAreRecordedAsServedReadyAfterAWaitOrCold() {
        event(PoolEvent.Type.PRELOAD_STARTED, "disp1", 0, Map.of());
        event(PoolEvent.Type.PRELOAD_STARTED, "disp2", 0, Map.of());
        event(PoolEvent.Type.PRELOAD_READY, "disp1", 7_000, Map.of());
        event(PoolEvent.Type.HANDED_OUT, "disp1", 9_000, Map.of("preloaded", true, "usableAfterMs", 15.0));
        event(PoolEvent.Type.HANDED_OUT, "disp2", 9_500, Map.of("preloaded", true, "usableAfterMs", 2_000.0));
        event(PoolEvent.Type.HANDED_OUT, "disp3", 20_000, Map.of("preloaded", false, "usableAfterMs", 7_000.0));

        List<HistoryEntry> handOuts = store.entries("default-dvm").stream()
                .filter(e -> e.kind() == HistoryEntry.Kind.HAND_OUT).toList();
        assertEquals(List.of(HistoryEntry.handOut(1_009_000, "default-dvm", HistoryEntry.READY, 15),
                HistoryEntry.handOut(1_009_500, "default-dvm", HistoryEntry.WAITED, 2_000),
                HistoryEntry.handOut(1_020_000, "default-dvm", HistoryEntry.COLD, 7_000)), handOuts);
        assertEquals(List.of(7_000.0), store.entries("default-dvm").stream()
                .filter(e -> e.kind() == HistoryEntry.Kind.REFILL).map(HistoryEntry::ms).toList());
    }

    @Test
    void heldCountsEachPreloadOnceFromItsStartUntilItLeaves() {
        event(PoolEvent.Type.PRELOAD_STARTED, "disp1", 0, Map.of());
        event(PoolEvent.Type.PRELOAD_STARTED, "disp2", 10, Map.of());
        event(PoolEvent.Type.PRELOAD_FAILED, "disp2", 20, Map.of());
        event(PoolEvent.Type.QUBE_REMOVED, "disp2", 30, Map.of());
        event(PoolEvent.Type.PRELOAD_DISCARDED, "disp1", 40, Map.of());
        event(PoolEvent.Type.QUBE_REMOVED, "disp9", 50, Map.of());

        assertEquals(List.of(1, 2, 1, 0), store.entries("default-dvm").stream()
                .filter(e -> e.kind() == HistoryEntry.Kind.HELD).map(HistoryEntry::held).toList());
        // one preload for 40 ms and one for 10 ms: 0.05 preload-seconds
        assertEquals(0.05, Demand.preloadSeconds(store.entries("default-dvm"), 1_000_000, 1_000_100), 1e-9);
    }

    private void event(PoolEvent.Type type, String qube, long at, Map<String, Object> data) {
        recorder.accept(new PoolEvent(type, "default-dvm", qube, "test", at, data));
    }
}
