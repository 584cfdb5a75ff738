package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dispool.host.Backoff;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Qubes' bursts of 6 every minute, as they reach the policy on slow guests: 2 in flight, so a
 * burst's requests spread over its first seconds as hand-outs return. Every burst after the
 * second must stay forecast however many came before (on QEMU from the sixth on only 4 of 6
 * were ready: the earlier bursts, counted as background, hid the later ones).
 */
class BurstsEveryMinuteTest {

    private static final long S = 1_000_000_000L;
    /**
     * When each request of a burst reaches the policy, ms after its first, 2 in flight: the first
     * two bursts wait for boots (seconds apart); forecast ones find their preloads ready (ms apart).
     */
    private static final long[] WAITED_MS = {0, 0, 2_000, 2_500, 5_000, 7_500};
    private static final long[] READY_MS = {0, 0, 50, 60, 100, 120};

    private final AdaptiveRefillPolicy policy = new AdaptiveRefillPolicy(AdaptiveRefillPolicy.Parameters.DEFAULTS,
            new RefillTimes(), () -> OptionalLong.of(100_000L << 20), new StartCapacity(() -> 0));

    @Test
    void everyBurstFromTheThirdOnIsPreloadedForAheadOfIt() {
        Pool p = new Pool("a", Backoff.DEFAULT, new PoolSettings(true, 6, PoolSettings.MaxSource.LOCAL, null, 0, 3, 192,
                Duration.ofSeconds(60), false, Fingerprint.UNKNOWN));
        for (int burst = 0; burst < 10; burst++) {
            long start = burst * 60 * S;
            if (burst >= 2) {
                // 10 s before it is due: within the pre-warm (3 waves of 2 at 7 s and half a wave: 24.5 s)
                int want = policy.want(p, start - 10 * S);
                assertEquals(AdaptiveRefillPolicy.Reason.BEFORE_BURST, p.adaptiveReason,
                        "burst " + (burst + 1) + ": " + p.decision);
                assertEquals(6, want, "burst " + (burst + 1) + ": " + p.decision);
            }
            for (long ms : burst < 2 ? WAITED_MS : READY_MS) {
                policy.observe(p, start + ms * 1_000_000);
            }
        }
    }
}
