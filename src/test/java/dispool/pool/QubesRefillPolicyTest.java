package dispool.pool;

import dispool.host.Backoff;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link QubesRefillPolicy} against Qubes' rules, in host seconds. */
class QubesRefillPolicyTest {

    private final QubesRefillPolicy policy = new QubesRefillPolicy();

    private static Pool pool(int max, double delaySeconds, int free) {
        Pool pool = new Pool("web-dvm", Backoff.DEFAULT, new PoolSettings(true, max, PoolSettings.MaxSource.LOCAL, null, 0,
                delaySeconds, 400, Duration.ofSeconds(60), false, Fingerprint.UNKNOWN));
        for (int i = 0; i < free; i++) {
            pool.preloads.add(new Preload(pool.template, 0, 0, PreloadState.READY));
        }
        return pool;
    }

    private static long s(double seconds) {
        return (long) (seconds * 1e9);
    }

    private RefillPolicy.Plan plan(Pool pool, double atSeconds) {
        return policy.plan(pool, s(atSeconds));
    }

    /** Fills now or not, and the next timer wakes after that many seconds (null: none sleeps). */
    private static RefillPolicy.Plan plan(boolean fillNow, Double nextTimerSeconds) {
        return new RefillPolicy.Plan(fillNow, nextTimerSeconds == null ? null : Duration.ofNanos(s(nextTimerSeconds)));
    }

    @Test
    void eachUseStartsItsOwnTimerAndTheFirstToWakeFills() {
        Pool pool = pool(2, 3, 0);
        policy.used(pool, s(0));
        policy.used(pool, s(2));
        assertEquals(plan(false, 2.0), plan(pool, 1), "the first use's timer is not pushed back by the second");
        assertEquals(plan(true, 2.0), plan(pool, 3), "woke: fills, and the second timer still sleeps");
        assertEquals(plan(false, 1.0), plan(pool, 4));
        assertEquals(plan(true, null), plan(pool, 5));
        assertEquals(plan(true, null), plan(pool, 6), "no timer left and nothing holds: a gap fills at once");
    }

    @Test
    void aRequestThatFindsAGapRefillsAfterFiveSecondsOrTheDelay() {
        Pool shortDelay = pool(2, 3, 1);
        policy.requested(shortDelay, 0);
        assertEquals(plan(false, 5.0), plan(shortDelay, 0));
        Pool longDelay = pool(2, 7, 0);
        policy.requested(longDelay, 0);
        assertEquals(plan(false, 7.0), plan(longDelay, 0));
        Pool full = pool(2, 3, 2);
        policy.requested(full, 0);
        assertEquals(0, full.refill.sleeping(), "a request that finds the pool full starts no timer");
    }

    @Test
    void aNegativeDelayHoldsWhilePreloadsAreLeftThenWaitsItsMagnitude() {
        Pool pool = pool(2, -10, 1);
        policy.used(pool, 0);
        assertEquals(plan(false, null), plan(pool, 100));
        policy.requested(pool, s(100));
        assertEquals(0, pool.refill.sleeping(), "a request's gap refill waits for an empty pool too");
        pool.preloads.clear();
        policy.used(pool, s(100));
        assertEquals(plan(false, 10.0), plan(pool, 100));
        assertEquals(plan(true, null), plan(pool, 110));
    }

    @Test
    void aKnobChangeFillsAtOnceEvenWhileHeld() {
        Pool pool = pool(2, -1, 1);
        policy.used(pool, 0);
        policy.refillNow(pool, s(1));
        assertEquals(plan(true, null), plan(pool, 1));
    }
}
