package dispool.advice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.bench.Traffic;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveAdviceTest {

    private static final LiveAdvice.Inputs INPUTS = new LiveAdvice.Inputs(2, 400, 0, 0.01, Duration.ofSeconds(30));

    @Test
    void afterARecordedDayTheAdvisedMaxMeetsTheMissTargetWhenReplayed() {
        HistoryStore store = HistoryStore.inMemory(100_000);
        Traffic day = Traffic.dayLike("default-dvm", 2, 0.2, Duration.ofHours(8), 6, 12, Duration.ofMinutes(30), 42);
        RecordedTrace.record(day, "default-dvm", 2, 7_000, new HistoryRecorder(store, () -> 0L, 0L));
        List<HistoryEntry> history = store.entries("default-dvm");
        long end = history.get(history.size() - 1).at();

        LiveAdvice.Report r = LiveAdvice.advise("default-dvm", history, end, INPUTS);

        long[] arrivals = Demand.arrivals(history, Long.MIN_VALUE);
        assertEquals(day.arrivals().size(), arrivals.length);
        int advised = r.recommendedMax();
        assertEquals(7_000, r.refills().bootMs(), 1e-9, "the refill time is the recorded preload starts'");
        assertEquals(0, r.refills().slots(), "every recorded start took 7 s, side by side or not: no slowdown");
        double missAdvised = PoolReplay.replay(arrivals, advised, r.refills(), 15, 7_000).missShare();
        double missOneLess = PoolReplay.replay(arrivals, advised - 1, r.refills(), 15, 7_000).missShare();
        assertTrue(missAdvised <= 0.01, "max " + advised + " misses " + missAdvised);
        assertTrue(missOneLess > 0.01, "max " + (advised - 1) + " misses only " + missOneLess + ": not the least memory");
        assertTrue(advised > 2, "the recorded bursts of 12 missed with max 2; advised " + advised);
        // a quiet request may fall within 30 s of a burst and join it
        assertTrue(r.bursts().largest() >= 12 && r.bursts().largest() <= 14, "largest burst " + r.bursts().largest());
        assertTrue(r.bursts().count() >= 6, "bursts " + r.bursts().count());
        assertEquals("qvm-features default-dvm preload-dispvm-max " + advised, r.command());
        assertTrue(r.served().waited() > 0 && r.served().ready() > r.served().waited(), "served " + r.served());
        assertTrue(r.reasons().stream().anyMatch(s -> s.contains("Apply it: " + r.command())), String.join("\n", r.reasons()));
    }

    @Test
    void memoryHeldIsTheRecordedPreloadsTimesTheirMemory() {
        HistoryStore store = HistoryStore.inMemory(1_000);
        store.add(HistoryEntry.held(0, "t", 2));
        store.add(HistoryEntry.held(10_000, "t", 1));
        LiveAdvice.Report r = LiveAdvice.advise("t", store.entries("t"), 20_000, INPUTS);
        // 2 preloads for 10 s, then 1 for 10 s, 400 MiB each
        assertEquals(12_000, r.mibSeconds(), 1e-9);
        assertEquals(600, r.meanHeldMiB(), 1e-9);
    }

    @Test
    void noRequestsNoRecommendation() {
        LiveAdvice.Report r = LiveAdvice.advise("t", List.of(), 1_000, INPUTS);
        assertNull(r.recommendedMax());
        assertNull(r.command());
        assertTrue(r.reasons().stream().anyMatch(s -> s.startsWith("No request recorded yet")));
    }

    @Test
    void steadyRareRequestsNeedOnePreload() {
        HistoryStore store = HistoryStore.inMemory(100_000);
        Traffic quiet = Traffic.steady("t", 1, 0.1, Duration.ofHours(10), 3);
        RecordedTrace.record(quiet, "t", 3, 7_000, new HistoryRecorder(store, () -> 0L, 0L));
        List<HistoryEntry> h = store.entries("t");
        LiveAdvice.Report r = LiveAdvice.advise("t", h, h.get(h.size() - 1).at(), new LiveAdvice.Inputs(3, 400, 0, 0.01,
                Duration.ofSeconds(30)));
        assertEquals(1, r.recommendedMax(), String.join("\n", r.reasons()));
        assertTrue(r.reasons().stream().anyMatch(s -> s.startsWith("Apply it")));
    }
}
