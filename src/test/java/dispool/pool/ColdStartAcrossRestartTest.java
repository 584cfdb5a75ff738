package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.QubesHost;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A cold start in flight when dispool restarts is neither a preload nor handed out: its caller's
 * request is cut with the old process, and the new engine's recovery removes the disposable (still
 * marked in progress), as Qubes' {@code on_domain_loaded} removes interrupted preloads.
 */
class ColdStartAcrossRestartTest extends EngineFixture {

    @Test
    void theNewEngineRemovesAColdStartTheOldOneWasMakingAndItsRequestFails() throws Exception {
        sim = host().build();
        sim.setProperty(WEB, "qrexec_timeout", "3600"); // the blocked readiness must not time out first
        CountDownLatch readinessOpen = new CountDownLatch(1);
        QubesHost host = InterceptedHost.of(sim, "runService", args -> readinessOpen.await());
        engine = new DispoolEngine(host, EngineSettings.defaults().withResyncInterval(Duration.ofSeconds(30)));
        engine.start();
        CompletableFuture<HandOut> request = engine.handOut(WEB).subscribeAsCompletionStage().toCompletableFuture();
        await().until(() -> dispvmsOf(WEB).size() == 1); // the cold disposable, waiting for its readiness
        String cold = dispvmsOf(WEB).get(0).name();

        engine.close();
        start(sim);
        await().until(() -> sim.listQubes().stream().noneMatch(q -> q.name().equals(cold)));
        readinessOpen.countDown();

        ExecutionException cut = assertThrows(ExecutionException.class, () -> request.get(20, TimeUnit.SECONDS));
        assertTrue(cut.getCause() instanceof DispoolException, "the request fails with dispool's error: " + cut.getCause());
    }
}
