package dispool.pool;

import dispool.host.Backoff;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PoolTest {

    private static PoolSettings max(int max) {
        return new PoolSettings(true, max, PoolSettings.MaxSource.LOCAL, null, 0, 3, 400, Duration.ofSeconds(60), false,
                Fingerprint.UNKNOWN);
    }

    @Test
    void aSlowSettingsReadNeverOverwritesOneThatStartedLater() {
        Pool pool = new Pool("web-dvm", Backoff.DEFAULT, PoolSettings.none(0));
        pool.offerSettings(max(2), 200); // started later, finished first
        pool.offerSettings(max(5), 100); // started earlier, finished last: stale
        assertEquals(2, pool.settings.max());
        pool.offerSettings(max(3), 300);
        assertEquals(3, pool.settings.max());
    }
}
