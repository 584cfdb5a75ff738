package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.QubesHost;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A preload claimed while it starts counts as used once its start returned, as qubesd's requested
 * preload does (it skips the readiness wait and is used right after {@code domain-start},
 * qubes-core-admin c842c326): the refill starts then, while dispool still waits for the
 * readiness services before handing it to the caller.
 */
class RequestedPreloadUseTest extends EngineFixture {

    @Test
    void theRefillStartsWhileTheRequesterStillWaitsForReadiness() throws Exception {
        sim = host().feature(WEB, "preload-dispvm-delay", "0").build();
        // the requester's wait (1.2 x qrexec_timeout) must outlast a loaded machine's test
        sim.setProperty(WEB, "qrexec_timeout", "3600");
        CountDownLatch readinessOpen = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        QubesHost host = InterceptedHost.of(sim, "runService", args -> {
            if (first.getAndSet(false)) {
                readinessOpen.await(); // the first preload's readiness call waits for the test
            }
        });
        // no periodic resync meanwhile: with no refill timer sleeping, any reconcile would fill the gap
        engine = new DispoolEngine(host, EngineSettings.defaults().withResyncInterval(Duration.ofDays(1)));
        engine.start();
        List<String> started = new CopyOnWriteArrayList<>();
        engine.events().addListener(e -> {
            if (e.type() == PoolEvent.Type.PRELOAD_STARTED) {
                started.add(e.qube());
            }
        });
        engine.setMax(WEB, "1");
        await().until(() -> pool(WEB).preloads().stream().anyMatch(p -> p.state() == PreloadState.WAITING_OPERATIONAL));
        CompletableFuture<HandOut> request = engine.handOut(WEB).subscribeAsCompletionStage().toCompletableFuture();

        await().until(() -> started.size() == 2); // the refill, with the first preload's readiness still blocked
        assertFalse(request.isDone(), "the caller still waits for the readiness of the preload it claimed");

        readinessOpen.countDown();
        HandOut h = request.get(20, TimeUnit.SECONDS);
        assertTrue(h.preloaded());
        assertEquals(started.get(0), h.name());
        assertTrue(sim.isOperational(h.name()), "handed out only once operational");
        awaitReady(WEB, 1);
        assertEquals(started.get(1), pool(WEB).preloads().get(0).name());
    }
}
