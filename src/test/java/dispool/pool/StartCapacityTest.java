package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The start-capacity estimator on synthetic events: starts at a level, each taking what a host with K slots takes. */
class StartCapacityTest {

    /** A lone start, ms: Qubes' 7 s cold start. */
    private static final long ALONE_MS = 7_000;

    private final AtomicInteger underWay = new AtomicInteger();
    private final StartCapacity capacity = new StartCapacity(underWay::get);
    private int serial;
    private long now;

    /** {@code n} starts begun at {@code level}, each taking {@code ms}. */
    private void starts(int level, int n, long ms) {
        for (int i = 0; i < n; i++) {
            String qube = "disp" + (++serial);
            underWay.set(level);
            capacity.accept(event(PoolEvent.Type.PRELOAD_STARTED, qube, now));
            underWay.set(0);
            capacity.accept(event(PoolEvent.Type.PRELOAD_READY, qube, now + ms));
            now += ms;
        }
    }

    /** What a start takes at {@code level} on a host running {@code slots} boots at full speed (processor sharing). */
    private static long onHost(int level, int slots) {
        return Math.round(ALONE_MS * Math.max(1.0, (double) level / slots));
    }

    private static PoolEvent event(PoolEvent.Type type, String qube, long atMillis) {
        return new PoolEvent(type, "a-dvm", qube, "test", atMillis, Map.of());
    }

    @Test
    void itFindsTheSlotsOfTheHostThatMadeTheData() {
        for (int slots : new int[] {1, 3, 5}) {
            StartCapacity c = new StartCapacity(underWay::get);
            for (int level = 1; level <= 8; level++) {
                for (int i = 0; i < StartCapacity.MIN_SAMPLES; i++) {
                    String qube = "s" + slots + "-" + level + "-" + i;
                    underWay.set(level);
                    c.accept(event(PoolEvent.Type.PRELOAD_STARTED, qube, now));
                    now += onHost(level, slots);
                    underWay.set(0);
                    c.accept(event(PoolEvent.Type.PRELOAD_READY, qube, now));
                }
            }
            assertEquals(slots, c.estimate().atOnce(), c.estimate().reason());
        }
    }

    @Test
    void aStartsLevelIsTheBootsUnderWayWhileItRanNotWhenItBegan() {
        for (int i = 0; i < StartCapacity.MIN_SAMPLES; i++) {
            // four begin together; three are handed out while starting 100 ms later, the fourth boots on alone
            for (int k = 1; k <= 4; k++) {
                underWay.set(k);
                capacity.accept(event(PoolEvent.Type.PRELOAD_STARTED, "q" + i + "-" + k, now));
            }
            for (int k = 1; k <= 3; k++) {
                underWay.set(4 - k);
                capacity.accept(event(PoolEvent.Type.HANDED_OUT, "q" + i + "-" + k, now + 100));
            }
            underWay.set(0);
            capacity.accept(event(PoolEvent.Type.PRELOAD_READY, "q" + i + "-4", now + 7_100));
            now += 7_100;
        }
        assertEquals(7.1, capacity.secondsAt(1), 1e-9, "ran beside the others for 100 ms of 7.1 s: level 1");
        assertEquals(4 * 7.1, capacity.secondsAt(4), 1e-9, "nothing measured at 4: level 1's time, shared four ways");
    }

    @Test
    void aStartTakesWhatWasMeasuredAtItsLevelOrTheLevelBelowScaled() {
        assertTrue(Double.isNaN(capacity.secondsAt(2)), "nothing measured");
        starts(2, StartCapacity.MIN_SAMPLES, 8_000);
        assertEquals(8.0, capacity.secondsAt(2), 1e-9);
        assertEquals(12.0, capacity.secondsAt(3), 1e-9, "a probe of 3: level 2's time, shared three ways instead of two");
        assertTrue(Double.isNaN(capacity.secondsAt(1)), "nothing at or below 1");
    }

    @Test
    void itSaysWhatItMeasured() {
        for (int level = 1; level <= 4; level++) {
            starts(level, StartCapacity.MIN_SAMPLES, onHost(level, 3));
        }
        assertEquals("the host sustains 3 at once (measured: 3 at once → 7.0 s each, 4 → 9.3 s)", capacity.estimate().reason());
    }

    @Test
    void withoutDataItStartsTheDefaultThenProbesOneLevelAboveTheBestKnown() {
        StartCapacity.Estimate first = capacity.estimate();
        assertEquals(StartCapacity.DEFAULT_AT_ONCE, first.atOnce());
        assertTrue(first.reason().startsWith("no start measured yet"), first.reason());

        starts(2, StartCapacity.MIN_SAMPLES - 1, onHost(2, 3));
        assertEquals(StartCapacity.DEFAULT_AT_ONCE, capacity.estimate().atOnce(), "too few samples to count");
        starts(2, 1, onHost(2, 3));
        assertEquals(3, capacity.estimate().atOnce(), capacity.estimate().reason());
        assertTrue(capacity.estimate().reason().startsWith("probing 3 at once (measured: 2 at once → 7.0 s each; 3 not yet)"),
                capacity.estimate().reason());

        starts(3, StartCapacity.MIN_SAMPLES, onHost(3, 3));
        assertEquals(4, capacity.estimate().atOnce(), "3 gained over 2: probe 4. " + capacity.estimate().reason());
        starts(4, StartCapacity.MIN_SAMPLES, onHost(4, 3));
        assertEquals(3, capacity.estimate().atOnce(), "4 gains nothing over 3: settled. " + capacity.estimate().reason());
    }

    @Test
    void aHigherLevelThatGainsLessThanTheMarginDoesNotCount() {
        starts(2, StartCapacity.MIN_SAMPLES, 7_000);
        starts(3, StartCapacity.MIN_SAMPLES, 10_000); // 0.300 starts/s against 0.286: 5 % more
        assertEquals(2, capacity.estimate().atOnce(), capacity.estimate().reason());
        starts(3, StartCapacity.MIN_SAMPLES + 1, 9_000); // now 0.333 starts/s: 17 % more
        assertEquals(4, capacity.estimate().atOnce(), capacity.estimate().reason());
    }

    @Test
    void failedAndUnfinishedStartsGiveNoSample() {
        for (PoolEvent.Type end : new PoolEvent.Type[] {PoolEvent.Type.PRELOAD_FAILED, PoolEvent.Type.HANDED_OUT,
                PoolEvent.Type.PRELOAD_DISCARDED, PoolEvent.Type.QUBE_REMOVED, PoolEvent.Type.USED_ELSEWHERE}) {
            for (int i = 0; i < StartCapacity.MIN_SAMPLES; i++) {
                String qube = end + "-" + i;
                underWay.set(6);
                capacity.accept(event(PoolEvent.Type.PRELOAD_STARTED, qube, now));
                capacity.accept(event(end, qube, now + 500));
                capacity.accept(event(PoolEvent.Type.PRELOAD_READY, qube, now + 600)); // a late ready of a start already over
            }
        }
        assertEquals(StartCapacity.DEFAULT_AT_ONCE, capacity.estimate().atOnce(), capacity.estimate().reason());
    }

    @Test
    void theLimitLeavesRoomForTheStartsUnderWay() {
        for (int level = 1; level <= 4; level++) {
            starts(level, StartCapacity.MIN_SAMPLES, onHost(level, 3));
        }
        underWay.set(2);
        RefillPolicy.Plan plan = capacity.limit(new RefillPolicy.Plan(true, null));
        assertEquals(1, plan.maxStarts());
        assertTrue(plan.fillNow());
        assertTrue(plan.startsReason().endsWith("), 2 under way"), plan.startsReason());
        underWay.set(5);
        assertEquals(0, capacity.limit(new RefillPolicy.Plan(true, null)).maxStarts(), "never negative");
        assertEquals(RefillPolicy.Plan.UNLIMITED, new RefillPolicy.Plan(true, null).maxStarts(), "R4.3's plans are not limited");
    }
}
