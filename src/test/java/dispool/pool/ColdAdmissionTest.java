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

/** Cold starts go through a concurrency limit (BUSY); memory is the host's to judge (INSUFFICIENT_MEMORY). */
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

    /**
     * The host's own memory request judges a cold start, as qubesd's does (qmemman): refused, the
     * caller learns the template, its memory and the figure, and the disposable is removed.
     */
    @Test
    void withoutMemoryForOneMoreTheHostRefusesTheColdStartAndItsDisposableIsRemoved() {
        startLimited(host().totalMemoryMiB(4300).build(), 1); // 250 MiB free, a disposable needs 400
        DispoolException e = assertThrows(DispoolException.class, () -> engine.handOut(WEB).await().indefinitely());
        assertEquals(DispoolException.Kind.INSUFFICIENT_MEMORY, e.kind());
        assertTrue(e.getMessage().startsWith(WEB + ": no preload ready and the host could not free 400 MiB (memory of "
                + WEB + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("qmemman's figure is now 250 MiB"), e.getMessage());
        assertTrue(e.getMessage().contains("shut down a qube"), e.getMessage());
        assertEquals(1, sim.calls(SimOp.START), "the host was asked, as qubesd asks qmemman");
        await().until(() -> dispvmsOf(WEB).isEmpty());
        DispoolException again = assertThrows(DispoolException.class, () -> engine.handOut(WEB).await().indefinitely());
        assertEquals(DispoolException.Kind.INSUFFICIENT_MEMORY, again.kind(), "the one slot was freed, not kept busy");
    }

    /**
     * A cold start under way already counts in the host's figure (from its start on), so dispool
     * must not also subtract its reservation: a second start that qmemman can serve is served
     * (the full differential grid refused these: "reserved for starts under way").
     */
    @Test
    void aColdStartUnderWayDoesNotCountTwiceAgainstTheNext() {
        startLimited(host().totalMemoryMiB(4900).build(), 4); // 850 MiB free: two 400 MiB disposables fit
        long free = sim.availableMemory().getAsLong() >> 20;
        sim.faults().slow(SimOp.START, 40); // each start holds its memory for about 1 s of wall time
        CompletableFuture<HandOut> first = engine.handOut(WEB).subscribeAsCompletionStage();
        await().until(() -> sim.availableMemory().getAsLong() >> 20 == free - 400);
        HandOut second = engine.handOut(WEB).await().indefinitely();
        assertTrue(second.name().startsWith("disp") && !second.preloaded(), second.toString());
        assertTrue(first.join().name().startsWith("disp"));
        assertEquals(free - 800, sim.availableMemory().getAsLong() >> 20);
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
