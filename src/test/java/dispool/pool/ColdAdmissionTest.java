package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.QubesHost;
import dispool.host.sim.SimHost;
import dispool.host.sim.SimOp;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Cold starts go through a concurrency limit (BUSY) and memory admission (INSUFFICIENT_MEMORY). */
class ColdAdmissionTest extends EngineFixture {

    private void startLimited(SimHost host, int maxColdStarts) {
        sim = host;
        engine = new DispoolEngine(host, EngineSettings.defaults().withResyncInterval(Duration.ofSeconds(30))
                .withLimits(new EngineSettings.WorkLimits(8, maxColdStarts)));
        engine.start();
    }

    @Test
    void beyondTheLimitAColdStartIsRefusedBusyWithARetryAfter() {
        startLimited(host().build(), 1);
        sim.faults().hang(SimOp.START);
        CompletableFuture<HandOut> first = engine.handOut(WEB).subscribeAsCompletionStage();
        await().until(() -> sim.calls(SimOp.START) == 1);
        long createdBefore = sim.calls(SimOp.CREATE);
        DispoolException e = assertThrows(DispoolException.class, () -> engine.handOut(DEFAULT).await().indefinitely());
        assertEquals(DispoolException.Kind.BUSY, e.kind());
        assertTrue(e.retryAfterSeconds() >= 1);
        assertTrue(e.getMessage().contains("max-cold-starts"), e.getMessage());
        assertEquals(createdBefore, sim.calls(SimOp.CREATE), "nothing created for a refused request");
        sim.faults().clear();
        assertTrue(first.join().name().startsWith("disp"));
        assertTrue(Uni.createFrom().item(() -> engine.handOut(DEFAULT).await().indefinitely()).await().indefinitely()
                .name().startsWith("disp"), "the slot is free again");
    }

    @Test
    void withoutMemoryForOneMoreAColdStartIsRefusedAndNothingIsCreated() {
        startLimited(host().totalMemoryMiB(4300).build(), 4); // 250 MiB free, a disposable needs 400
        DispoolException e = assertThrows(DispoolException.class, () -> engine.handOut(WEB).await().indefinitely());
        assertEquals(DispoolException.Kind.INSUFFICIENT_MEMORY, e.kind());
        assertTrue(e.getMessage().contains("400 MiB needed"), e.getMessage());
        assertEquals(0, sim.calls(SimOp.CREATE));
    }

    /**
     * A cold start whose start returned holds its memory, and the host's figure shows it: it is
     * not also reserved, or a second request that qubesd's qmemman would serve is refused.
     */
    @Test
    void aColdStartsMemoryCountsOnceItsStartReturned() throws InterruptedException {
        sim = host().totalMemoryMiB(4900).build(); // 850 MiB free: two 400 MiB disposables fit
        CountDownLatch secondAdmitted = new CountDownLatch(1);
        AtomicBoolean firstCall = new AtomicBoolean(true);
        // the first disposable waits in its readiness call (its start returned) until the second was decided
        QubesHost host = InterceptedHost.of(sim, "runService", args -> {
            if (firstCall.getAndSet(false)) {
                secondAdmitted.await();
            }
        });
        engine = new DispoolEngine(host, EngineSettings.defaults().withResyncInterval(Duration.ofSeconds(30))
                .withLimits(new EngineSettings.WorkLimits(8, 4)));
        engine.start();
        CompletableFuture<HandOut> first = engine.handOut(WEB).subscribeAsCompletionStage();
        await().until(() -> sim.calls(SimOp.RUN_SERVICE) == 0 && !firstCall.get());
        CompletableFuture<HandOut> second = engine.handOut(WEB).subscribeAsCompletionStage();
        await().until(() -> sim.calls(SimOp.START) == 2 || second.isDone());
        secondAdmitted.countDown();
        assertTrue(first.join().name().startsWith("disp"));
        assertTrue(second.join().name().startsWith("disp"), "admitted with 450 MiB free");
    }
}
