package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The adaptive policy's decisions, on pools without a host: the model alone. */
class AdaptiveRefillPolicyTest {

    private static final long S = 1_000_000_000L;
    private final AtomicLong availableMiB = new AtomicLong(100_000);
    private final AdaptiveRefillPolicy policy = new AdaptiveRefillPolicy(AdaptiveRefillPolicy.Parameters.DEFAULTS,
            new RefillTimes(), () -> OptionalLong.of(availableMiB.get() << 20), new StartCapacity(() -> 0));

    private static Pool pool(String template, int max) {
        return new Pool(template, Backoff.DEFAULT, new PoolSettings(true, max, PoolSettings.MaxSource.LOCAL, null, 0, 3,
                400, Duration.ofSeconds(60), false, Fingerprint.UNKNOWN));
    }

    private void requests(Pool pool, long fromNanos, int n, long everyNanos) {
        for (int i = 0; i < n; i++) {
            policy.observe(pool, fromNanos + i * everyNanos);
        }
    }

    @Test
    void erlangCSizesTheSteadyPool() {
        assertEquals(1, AdaptiveRefillPolicy.smallestPool(0.01, 0.05, 10));
        assertEquals(4, AdaptiveRefillPolicy.smallestPool(1.0, 0.05, 10)); // C(3,1) = 9%, C(4,1) = 2%
        assertEquals(3, AdaptiveRefillPolicy.smallestPool(5.0, 0.05, 3), "never above the limit");
    }

    @Test
    void aBurstIsWantedWholeUpToTheMaxAndRefilledAtOnce() {
        Pool p = pool("a", 8);
        requests(p, 0, 6, S);
        assertEquals(6, policy.want(p, 6 * S));
        assertTrue(p.decision.startsWith("burst of 6 in 30 s"), p.decision);
        assertTrue(policy.plan(p, 6 * S).fillNow(), "a burst refills without the delay");
        requests(p, 7 * S, 10, S / 10);
        assertEquals(8, policy.want(p, 8 * S), "never above preload-dispvm-max");
    }

    @Test
    void aPastBurstKeepsItsSizeThenAnIdlePoolShrinksToOne() {
        Pool p = pool("a", 8);
        requests(p, 0, 5, S);
        long later = 20 * 60 * S; // past the rate window and the idle time, within the burst memory
        assertEquals(5, policy.want(p, later));
        assertTrue(p.decision.startsWith("a burst of 5 within the last 60 min"), p.decision);
        long muchLater = 2 * 60 * 60 * S;
        assertEquals(1, policy.want(p, muchLater));
        assertTrue(p.decision.startsWith("idle"), p.decision);
        assertFalse(policy.plan(p, muchLater).fillNow() && p.refill.sleeping() > 0);
    }

    @Test
    void shortMemoryIsSharedByDemandAndNoTemplateStarves() {
        Pool busy = pool("busy", 4);
        Pool quiet = pool("quiet", 4);
        // 12/min against 4/min for ten minutes: steady loads 2 and 0.67 with a 10 s refill
        for (int i = 0; i < 120; i++) {
            policy.observe(busy, i * 5 * S);
        }
        for (int i = 0; i < 40; i++) {
            policy.observe(quiet, i * 15 * S + 7 * S);
        }
        long now = 600 * S;
        availableMiB.set(4 * 400); // room for four preloads, none held yet
        assertEquals(4, policy.want(busy, now), "alone it may have its max: " + busy.decision);
        // once both pools are known, each reconcile takes its share of the four
        assertEquals(1, policy.want(quiet, now), quiet.decision);
        assertEquals(3, policy.want(busy, now), busy.decision);
        assertFalse(busy.decision.startsWith("burst"), "a steady stream is no burst: " + busy.decision);
        assertTrue(busy.decision.contains("memory short: shared 3:1 by demand"), busy.decision);
        assertTrue(quiet.decision.contains("memory short: shared 1:3 by demand"), quiet.decision);
    }
}
