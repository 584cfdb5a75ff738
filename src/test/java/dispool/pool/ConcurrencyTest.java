package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.PowerState;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md's invariants 1–4 under load: 64 concurrent hand-outs against a pool of 4 whose
 * preloads are still starting.
 */
class ConcurrencyTest extends EngineFixture {

    private static final int REQUESTS = 64;
    private static final int MAX = 4;

    @Test
    void sixtyFourConcurrentHandOutsAgainstAPoolOfFour() {
        // 11950 MiB available at start: 64 cold disposables of 100 MiB and the refilled pool fit above 1000.
        start(host().dvmTemplate("load-dvm", 100).feature("dom0", "preload-dispvm-threshold", "1000")
                .feature("load-dvm", "preload-dispvm-delay", "0").build());
        AtomicInteger maxHeld = new AtomicInteger();
        engine.events().addListener(e -> {
            if ("load-dvm".equals(e.template())) {
                PoolView v = engine.pool("load-dvm");
                maxHeld.accumulateAndGet(v.ready() + v.starting(), Math::max);
            }
        });
        engine.setMax("load-dvm", Integer.toString(MAX));
        await().until(() -> pool("load-dvm").starting() == MAX);

        List<HandOut> outs = Uni.join().all(java.util.stream.IntStream.range(0, REQUESTS)
                .mapToObj(i -> engine.handOut("load-dvm")).toList()).andFailFast()
                .await().atMost(Duration.ofSeconds(60));

        Set<String> names = new HashSet<>();
        for (HandOut h : outs) {
            assertTrue(names.add(h.name()), "handed out twice: " + h.name());
            assertTrue(sim.isOperational(h.name()), h.name() + " handed out before it was operational");
            assertEquals(PowerState.Running, state(h.name()));
        }
        assertTrue(outs.stream().filter(HandOut::preloaded).count() >= MAX, "the four starting preloads were used");
        awaitReady("load-dvm", MAX);
        assertEquals(REQUESTS + MAX, dispvmsOf("load-dvm").size(), "every qube is handed out or in the pool: none leaked");
        for (PoolView.PreloadView p : pool("load-dvm").preloads()) {
            assertTrue(!names.contains(p.name()), p.name() + " is both handed out and in the pool");
        }
        assertTrue(maxHeld.get() <= MAX, "the pool held " + maxHeld.get() + " > max " + MAX);
    }
}
