package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.Clock;
import dispool.host.PowerState;
import dispool.host.sim.SimHost;
import dispool.host.sim.SimOp;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A template property changes while a request waits for a preload still starting: the requester
 * goes cold (an outdated preload is never handed out), and that request counts as a use, so the
 * pool refills after {@code preload-dispvm-delay} instead of staying empty for the 30 s Qubes
 * pauses after a property change. (qubesd would have handed the preload out a moment before the
 * change and refilled after the delay; see the README's differential.)
 */
class TemplateChangeRefillTest extends EngineFixture {

    /** Slower than the fixture, so the change surely lands while the preload starts (about 10 s of host time). */
    private static final double SLOW_SCALE = 20;

    @Test
    void aRequestThatLostItsStartingPreloadToAPropertyChangeRefillsAfterTheDelay() throws Exception {
        start(SimHost.builder().clock(Clock.scaled(SLOW_SCALE)).seed(11).totalMemoryMiB(16000).dom0MemoryMiB(4000)
                .templateVm("fedora-42-xfce").dvmTemplate(WEB, 400).feature(WEB, "preload-dispvm-delay", "0").build());
        sim.faults().slow(SimOp.START, 2);
        engine.setMax(WEB, "1");
        await().until(() -> pool(WEB).starting() == 1 && pool(WEB).preloads().get(0).name() != null);
        String starting = pool(WEB).preloads().get(0).name();
        await().until(() -> sim.qube(starting).state() != PowerState.Halted);
        CompletableFuture<HandOut> request = engine.handOut(WEB).subscribeAsCompletionStage();
        await().until(() -> pool(WEB).starting() + pool(WEB).ready() < pool(WEB).preloads().size());
        long changedAt = sim.clock().nanos();
        sim.setProperty(WEB, "vcpus", "4");
        sim.faults().clear();

        HandOut h = request.get(20, TimeUnit.SECONDS);
        assertNotEquals(starting, h.name(), "the outdated preload went to the requester");
        assertFalse(h.preloaded());
        await().until(() -> pool(WEB).preloads().stream().anyMatch(p -> !starting.equals(p.name())));
        double refilledAfter = (sim.clock().nanos() - changedAt) / 1e9;
        long propertyPause = PoolReconciler.PROPERTY_REFILL_DELAY.toSeconds();
        assertTrue(refilledAfter < propertyPause - 5, "the pool refilled " + refilledAfter + " s (host time) after the "
                + "change; a request that lost its preload counts as a use, so the refill comes after preload-dispvm-delay "
                + "(0 s here) once the requester let go, not after the " + propertyPause + " s property pause");
    }
}
