package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The next burst from the earlier ones: regular periods are forecast, irregular ones are not. */
class BurstForecastTest {

    private static final long S = 1_000_000_000L;
    private static final long TOLERANCE = 30 * S;

    private static List<DemandEstimate.Burst> bursts(long... startsSeconds) {
        List<DemandEstimate.Burst> b = new ArrayList<>();
        for (long s : startsSeconds) {
            b.add(new DemandEstimate.Burst(s * S, s * S + 5 * S, 12, true));
        }
        return b;
    }

    @Test
    void aRegularPeriodForecastsTheNextBurstAndItsSize() {
        BurstForecast f = BurstForecast.of(bursts(0, 120, 241, 360), 400 * S, 0.25, TOLERANCE).orElseThrow();
        assertEquals(480 * S, f.dueNanos(), "last start + median gap (120 s)");
        assertEquals(12, f.size());
        assertTrue(f.covers(470 * S, 20 * S, TOLERANCE) && !f.covers(450 * S, 20 * S, TOLERANCE));
    }

    @Test
    void oneGapIsTakenAsItIsAndFewerBurstsForecastNothing() {
        assertEquals(200 * S, BurstForecast.of(bursts(0, 100), 150 * S, 0.25, TOLERANCE).orElseThrow().dueNanos());
        assertTrue(BurstForecast.of(bursts(100), 150 * S, 0.25, TOLERANCE).isEmpty());
    }

    @Test
    void irregularBurstsAreNotForecast() {
        assertTrue(BurstForecast.of(bursts(0, 450, 1350, 1900), 2000 * S, 0.25, TOLERANCE).isEmpty(),
                "gaps 450, 900 and 550 s differ by more than a quarter of their median");
    }

    @Test
    void aSkippedBurstMovesTheForecastOnAPeriodAndThreeEndIt() {
        List<DemandEstimate.Burst> b = bursts(0, 120, 240);
        assertEquals(480 * S, BurstForecast.of(b, 400 * S, 0.25, TOLERANCE).orElseThrow().dueNanos(),
                "360 s passed without a burst: the next period");
        assertTrue(BurstForecast.of(b, 700 * S, 0.25, TOLERANCE).isEmpty(), "three periods without one");
    }
}
