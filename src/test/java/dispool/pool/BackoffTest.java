package dispool.pool;

import dispool.host.Backoff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(2), 2.0, Duration.ofMinutes(5), 0.1);

    @Test
    void doublesFromTheInitialWaitWithJitterAndNeverPassesTheCap() {
        for (int i = 0; i < 50; i++) {
            long first = backoff.delay(1).toMillis();
            long third = backoff.delay(3).toMillis();
            assertTrue(first >= 2000 && first <= 2200, "first " + first);
            assertTrue(third >= 8000 && third <= 8800, "third " + third);
            assertEquals(Duration.ofMinutes(5), backoff.delay(30));
        }
    }

    @Test
    void aPoolsStateResetsOnSuccess() {
        Backoff.State state = new Backoff.State(backoff);
        state.failed(0);
        state.failed(0);
        assertTrue(state.waitNanos(0) >= Duration.ofSeconds(4).toNanos());
        state.succeeded();
        assertEquals(0, state.waitNanos(0));
        assertEquals(0, state.failures());
    }
}
