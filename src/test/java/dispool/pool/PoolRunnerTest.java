package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.Backoff;
import dispool.host.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One pool's runs: marks merge, runs never overlap, a failed run is retried after the backoff and the schedule lives on. */
class PoolRunnerTest {

    private static final Backoff RETRY = new Backoff(Duration.ofMillis(50), 2.0, Duration.ofMillis(200), 0.1);
    private final ExecutorService workers = Executors.newFixedThreadPool(4);
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger runs = new AtomicInteger();
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger peakInside = new AtomicInteger();

    @AfterEach
    void stop() {
        workers.shutdownNow();
        timers.shutdownNow();
    }

    private PoolRunner runner(java.util.function.Function<String, PoolReconciler.Next> body) {
        return new PoolRunner("web-dvm", t -> {
            peakInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            try {
                runs.incrementAndGet();
                return body.apply(t);
            } finally {
                inside.decrementAndGet();
            }
        }, workers, timers, Clock.system(), RETRY);
    }

    @Test
    void marksDuringARunMakeExactlyOneMoreRunNeverASecondAtOnce() throws Exception {
        CountDownLatch firstRunHeld = new CountDownLatch(1);
        CountDownLatch firstRunIn = new CountDownLatch(1);
        PoolRunner r = runner(t -> {
            if (runs.get() == 1) {
                firstRunIn.countDown();
                await(firstRunHeld);
            }
            return PoolReconciler.Next.DONE;
        });
        r.mark("first");
        assertTrue(firstRunIn.await(5, TimeUnit.SECONDS));
        for (int i = 0; i < 5; i++) {
            r.mark("during the run " + i);
        }
        firstRunHeld.countDown();
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> runs.get() == 2 && inside.get() == 0);
        r.mark("a barrier: one more run after the merged one");
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> runs.get() == 3 && inside.get() == 0);
        assertEquals(1, peakInside.get(), "never two runs at once");
    }

    @Test
    void aFailedRunIsRetriedAfterTheBackoffAndSuccessClearsTheError() {
        List<Long> startedAt = new CopyOnWriteArrayList<>();
        PoolRunner r = runner(t -> {
            startedAt.add(System.nanoTime());
            if (startedAt.size() == 1) {
                throw new IllegalStateException("host refused");
            }
            return PoolReconciler.Next.DONE;
        });
        r.mark("first");
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> r.lastRunError() != null || startedAt.size() > 1);
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> startedAt.size() == 2 && inside.get() == 0);
        assertTrue(startedAt.get(1) - startedAt.get(0) >= RETRY.initial().toNanos(),
                "retried after the backoff, not at once: " + (startedAt.get(1) - startedAt.get(0)) / 1_000_000 + " ms");
        assertNull(r.lastRunError(), "the run that succeeded cleared the error");
    }

    @Test
    void aMarkAfterTheEngineClosedIsRefusedQuietly() {
        PoolRunner r = runner(t -> PoolReconciler.Next.DONE);
        workers.shutdownNow();
        assertDoesNotThrow(() -> r.mark("after close"));
        assertEquals(0, runs.get());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
