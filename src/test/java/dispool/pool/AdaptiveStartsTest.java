package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dispool.host.Backoff;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** When the adaptive policy starts preloads: the start limit and the pre-warm's lead, on the simulated clock. */
class AdaptiveStartsTest {

    private static final long S = 1_000_000_000L;
    private final AtomicInteger underWay = new AtomicInteger();
    private final RefillTimes refillTimes = new RefillTimes();
    private final StartCapacity starts = new StartCapacity(underWay::get);
    private final AdaptiveRefillPolicy policy = new AdaptiveRefillPolicy(AdaptiveRefillPolicy.Parameters.DEFAULTS,
            refillTimes, OptionalLong::empty, starts);
    private final Pool pool = new Pool("a", Backoff.DEFAULT, new PoolSettings(true, 12, PoolSettings.MaxSource.LOCAL, null,
            0, 3, 400, Duration.ofSeconds(60), false, Fingerprint.UNKNOWN));
    private int serial;

    private void requests(long fromNanos, int n, long everyNanos) {
        for (int i = 0; i < n; i++) {
            policy.observe(pool, fromNanos + i * everyNanos);
        }
    }

    /** {@code n} starts measured by {@code sink}, each {@code ms} at {@code level} boots under way. */
    private void measured(java.util.function.Consumer<PoolEvent> sink, int level, int n, long ms) {
        for (int i = 0; i < n; i++) {
            String qube = "disp" + (++serial);
            long at = serial * 100_000L;
            underWay.set(level);
            sink.accept(new PoolEvent(PoolEvent.Type.PRELOAD_STARTED, "a", qube, "test", at, Map.of()));
            underWay.set(0);
            sink.accept(new PoolEvent(PoolEvent.Type.PRELOAD_READY, "a", qube, "test", at + ms, Map.of()));
        }
    }

    @Test
    void theRefillOfARequestsClaimIsNeverHeldBackByTheStartLimit() {
        requests(0, 60, 10 * S); // steady, 6/min for 10 min
        requests(596 * S, 2, 2 * S); // two more within the last refill time (7 s + 3 s delay)
        underWay.set(4); // cold starts under way: the limit alone (2 at once before any measure) lets none start
        RefillPolicy.Plan plan = policy.plan(pool, 600 * S);
        assertEquals(2, plan.maxStarts(), "both claims refill: " + plan.startsReason());
        underWay.set(0);
        assertEquals(2, policy.plan(pool, 620 * S).maxStarts(), "no claim in the last refill time: the limit alone");
    }

    @Test
    void aPrewarmLeadsByTheTimeMeasuredAtTheLevelItStartsAt() {
        measured(refillTimes, 1, 5, 10_000); // the pool's own starts: 10 s, slow ones among them
        measured(starts, 2, 3, 4_000); // the host: 2 at once, 4 s each
        measured(starts, 3, 3, 6_000); // 3 at once gains nothing: it sustains 2
        assertEquals(2, starts.estimate().atOnce(), starts.estimate().reason());
        for (int b = 0; b < 3; b++) {
            requests(b * 120 * S, 12, S / 2); // 12 in 6 s, every 2 min
        }
        long due = 360 * S;
        long lead = (long) ((6 + 0.5) * 4 * S); // 12 in waves of 2, 4 s each, + half a wave (the own 10 s made it 65 s)
        assertEquals(60 * S - lead, policy.plan(pool, due - 60 * S).askAgainAfter().toNanos(),
                "the pool wakes when the pre-warm begins");
        policy.want(pool, due - lead - S);
        assertEquals(AdaptiveRefillPolicy.Reason.BETWEEN_BURSTS, pool.adaptiveReason, pool.decision);
        assertEquals(12, policy.want(pool, due - lead + S), pool.decision);
        assertEquals(AdaptiveRefillPolicy.Reason.BEFORE_BURST, pool.adaptiveReason, pool.decision);
    }
    @Test
    void aBurstThatBroughtWhatBurstsBringReleasesItsSurplusOnceItsClaimsAreMade() {
        requests(0, 6, S / 2); // the first burst: 6 in 3 s
        requests(300 * S, 6, S / 2); // the second: 6 by 302.5 s
        for (int i = 0; i < 4; i++) {
            pool.preloads.add(new Preload(pool.template, 0, 0, PreloadState.READY)); // refills that came too late
        }
        assertEquals(4, policy.want(pool, 302_500_000_000L + S / 2), "the last claim may be pending: " + pool.decision);
        assertEquals(AdaptiveRefillPolicy.Reason.BURST_ON, pool.adaptiveReason, pool.decision);
        assertEquals(0, policy.want(pool, 304 * S), pool.decision);
        assertEquals(AdaptiveRefillPolicy.Reason.BURST_BROUGHT, pool.adaptiveReason, pool.decision);
    }
}
