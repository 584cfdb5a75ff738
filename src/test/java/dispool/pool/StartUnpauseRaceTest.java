package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dispool.host.Clock;
import dispool.host.sim.LatencyModel;
import dispool.host.sim.SimHost;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Every start fires {@code domain-unpaused}; on a fast host the preload can be paused and READY
 * before that event is handled. It must still not count as "used elsewhere".
 */
class StartUnpauseRaceTest extends EngineFixture {

    @Test
    void theUnpauseOfAPreloadsOwnStartNeverCountsAsAUse() {
        SimHost zero = SimHost.builder().clock(Clock.system()).latency(LatencyModel.ZERO).seed(3).reuseDispIds()
                .templateVm("fedora-42-xfce").dvmTemplate(WEB, 400).feature(WEB, "preload-dispvm-max", "2")
                .feature(WEB, "preload-dispvm-delay", "0").build();
        AtomicInteger usedElsewhere = new AtomicInteger();
        sim = zero;
        engine = new DispoolEngine(zero, EngineSettings.defaults());
        engine.events().addListener(e -> usedElsewhere.addAndGet(e.type() == PoolEvent.Type.USED_ELSEWHERE ? 1 : 0));
        engine.start();
        for (int i = 0; i < 200; i++) {
            awaitReady(WEB, 2);
            HandOut h = handOut(WEB);
            engine.removeDisposable(h.name()).await().atMost(Duration.ofSeconds(10));
        }
        assertEquals(0, usedElsewhere.get());
    }
}
