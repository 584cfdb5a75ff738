package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A steady stream of requests closer together than {@code preload-dispvm-delay}, on the
 * simulator (10× faster than real time): Qubes' stacked refill timers keep the pool serving it,
 * where a refill deadline that every hand-out pushes back starves it.
 */
class SteadyStreamTest extends EngineFixture {

    private static final int REQUESTS = 40;
    private final ScheduledExecutorService user = Executors.newScheduledThreadPool(2);

    @AfterEach
    void stopUser() {
        user.shutdownNow();
    }

    @Test
    void requestsEveryTwoSecondsWithDelayThreeAreServedFromThePool() {
        Clock clock = Clock.scaled(10);
        start(host().clock(clock).feature(WEB, "preload-dispvm-max", "2").feature(WEB, "preload-dispvm-delay", "3").build());
        awaitReady(WEB, 2);
        List<HandOut> served = new CopyOnWriteArrayList<>();
        List<Throwable> failed = new CopyOnWriteArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            user.schedule(() -> engine.handOut(WEB).subscribe().with(h -> {
                served.add(h);
                user.schedule(() -> engine.removeDisposable(h.name()).subscribe().with(x -> { }, failed::add),
                        clock.toWallNanos(Duration.ofSeconds(10)), TimeUnit.NANOSECONDS);
            }, failed::add), clock.toWallNanos(Duration.ofSeconds(2L * i)), TimeUnit.NANOSECONDS);
        }
        Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() -> served.size() + failed.size() == REQUESTS);
        long fromPool = served.stream().filter(HandOut::preloaded).count();
        System.out.println("steady stream (max 2, delay 3 s, every 2 s): " + fromPool + " of " + REQUESTS + " from the pool");
        assertTrue(failed.isEmpty(), failed.toString());
        assertTrue(fromPool >= REQUESTS * 9 / 10, fromPool + " of " + REQUESTS + " served from the pool");
    }
}
