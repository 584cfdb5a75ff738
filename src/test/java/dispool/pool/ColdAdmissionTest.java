package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.sim.SimHost;
import dispool.host.sim.SimOp;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
}
