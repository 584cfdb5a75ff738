package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The floor that serves a random burst's first seconds, from the bursts a pool had. */
class BurstOnsetTest {

    private static final long S = 1_000_000_000L;

    /** A closed burst of {@code size} requests {@code apartSeconds} apart from {@code atSeconds}. */
    private static DemandEstimate.Burst burst(long atSeconds, int size, long apartSeconds) {
        return new DemandEstimate.Burst(atSeconds * S, (atSeconds + (size - 1) * apartSeconds) * S, size, true);
    }

    /** The onset of {@code closed} at a 7.5 s start → ready has {@code size} and {@code cover}. */
    private static void assertOnset(List<DemandEstimate.Burst> closed, int size, int cover, String why) {
        BurstOnset onset = BurstOnset.of(closed, 7.5).orElseThrow();
        assertEquals(size, onset.size(), why);
        assertEquals(cover, onset.cover(), why + ": 1 + ceil(0.5/s x 7.5 s)");
    }

    @Test
    void clumpsOfCalmDemandDoNotDiluteTheBurstsOnset() {
        // a clump of 3 and one of 4 (calm requests close together), then a burst of 12, 2 s apart
        assertOnset(List.of(burst(100, 3, 10), burst(900, 4, 1), burst(3700, 12, 2)), 12, 5,
                "the burst's size, not the median with the clumps (4)");
    }

    @Test
    void burstsOfSimilarSizeAllCount() {
        assertOnset(List.of(burst(0, 8, 2), burst(1000, 12, 2), burst(2000, 10, 1)), 10, 5,
                "the median of 8, 10 and 12, at their median rate 0.5/s");
    }
}
