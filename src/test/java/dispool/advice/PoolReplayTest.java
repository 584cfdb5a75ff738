package dispool.advice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.bench.PoolModel;
import dispool.bench.Traffic;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PoolReplayTest {

    @Test
    void aBurstLargerThanThePoolWaitsForRefills() {
        long[] burst = new long[12];
        PoolReplay.Result r = PoolReplay.replay(burst, 4, Refills.sideBySide(0, 7_000), 10, 7_000);
        assertEquals(4, r.ready());
        assertEquals(8, r.waited());
        // the 5th to 8th wait one refill, the 9th to 12th two
        assertEquals((4 * 10 + 4 * 7_010 + 4 * 14_010) / 12.0, r.meanMs(), 1e-9);
        assertEquals(12, PoolReplay.replay(burst, 12, Refills.sideBySide(0, 7_000), 10, 7_000).ready());
    }

    @Test
    void refillsStartedTogetherShareTheHost() {
        long[] burst = new long[12];
        // 4 boots at once where 2 run at full speed: each takes twice as long
        PoolReplay.Result r = PoolReplay.replay(burst, 4, new Refills(0, 7_000, 2), 10, 7_000);
        assertEquals(4, r.ready());
        assertEquals((4 * 10 + 4 * 14_010 + 4 * 28_010) / 12.0, r.meanMs(), 1e-6);
        // the delay is a timer, not a boot: it does not slow the others
        PoolReplay.Result delayed = PoolReplay.replay(burst, 4, new Refills(3_000, 7_000, 4), 10, 7_000);
        assertEquals((4 * 10 + 4 * 10_010 + 4 * 20_010) / 12.0, delayed.meanMs(), 1e-6);
    }

    @Test
    void epochTimesKeepTheirPrecision() {
        long[] burst = new long[12];
        java.util.Arrays.fill(burst, 1_790_000_000_000L);
        assertEquals((4 * 10 + 4 * 14_010 + 4 * 28_010) / 12.0,
                PoolReplay.replay(burst, 4, new Refills(0, 7_000, 2), 10, 7_000).meanMs(), 1e-6);
    }

    @Test
    void maxZeroIsColdForEveryRequest() {
        PoolReplay.Result r = PoolReplay.replay(new long[] {0, 1_000}, 0, Refills.sideBySide(0, 7_000), 10, 6_500);
        assertEquals(2, r.cold());
        assertEquals(6_500, r.meanMs(), 1e-9);
    }

    @Test
    void onRandomArrivalsTheReplayWaitsAsQueueingTheorySays() {
        // 1.5/min with a 20 s refill: half a refill under way on average (offered load 0.5)
        long[] arrivals = Traffic.steady("t", 3, 1.5, Duration.ofHours(4_000), 11).arrivals().stream()
                .mapToLong(Traffic.Arrival::atMs).toArray();
        // one slot: a request waits exactly when the slot is refilling, the busy share (M/G/1: rho)
        assertEquals(0.5, PoolReplay.replay(arrivals, 1, Refills.sideBySide(0, 20_000), 10, 7_000).missShare(), 0.01);
        for (int max = 2; max <= 4; max++) {
            double replayed = PoolReplay.replay(arrivals, max, Refills.sideBySide(0, 20_000), 10, 7_000).missShare();
            double lost = PoolModel.missProbability(max, 0.5);
            double queued = max * lost / (max - 0.5 * (1 - lost)); // Erlang C from B
            // a request that misses still takes a slot (it waits for it), so the replay misses at least as
            // often as the loss system of Erlang B, and at most as often as Erlang C's exponential refills
            assertTrue(replayed >= lost * 0.9 && replayed <= queued * 1.1, "max " + max + ": replay " + replayed
                    + ", Erlang B " + lost + ", Erlang C " + queued);
        }
    }

    @Test
    void theSmallestMeetingMaxIsTheFirstUnderTheTarget() {
        long[] burst = new long[12];
        assertEquals(12, PoolReplay.smallestMeeting(burst, 0.01, 100, Refills.sideBySide(0, 7_000), 10, 7_000).max());
        assertEquals(11, PoolReplay.smallestMeeting(burst, 0.09, 100, Refills.sideBySide(0, 7_000), 10, 7_000).max());
        assertNull(PoolReplay.smallestMeeting(new long[200], 0.01, 100, Refills.sideBySide(0, 7_000), 10, 7_000));
    }
}
