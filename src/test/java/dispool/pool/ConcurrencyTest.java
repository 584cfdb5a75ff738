package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.PowerState;
import dispool.host.sim.SimOp;
import io.smallrye.mutiny.Uni;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md's invariants 1–4 under load: 64 concurrent hand-outs against a pool of 4 whose
 * preloads are still starting.
 */
class ConcurrencyTest extends EngineFixture {

    private static final int REQUESTS = 64;
    private static final int MAX = 4;

    @Test
    void sixtyFourConcurrentHandOutsAgainstAPoolOfFour() throws Exception {
        // 11950 MiB available at start: 64 cold disposables of 100 MiB and the refilled pool fit above 1000.
        // Limits that let every request go cold at once, and a worker for each request and each starter.
        sim = host().dvmTemplate("load-dvm", 100).feature("dom0", "preload-dispvm-threshold", "1000")
                .feature("load-dvm", "preload-dispvm-delay", "0").build();
        engine = new DispoolEngine(sim, EngineSettings.defaults().withResyncInterval(java.time.Duration.ofSeconds(30))
                .withLimits(new EngineSettings.WorkLimits(2 * REQUESTS, REQUESTS)));
        engine.start();
        AtomicInteger maxHeld = new AtomicInteger();
        AtomicLong minAvailableMiB = new AtomicLong(Long.MAX_VALUE);
        List<PoolEvent> history = new java.util.concurrent.CopyOnWriteArrayList<>();
        engine.events().addListener(e -> {
            history.add(e);
            if ("load-dvm".equals(e.template())) {
                PoolView v = engine.pool("load-dvm");
                maxHeld.accumulateAndGet(v.ready() + v.starting(), Math::max);
                minAvailableMiB.accumulateAndGet(sim.availableMemory().getAsLong() >> 20, Math::min);
            }
        });
        // Every start hangs until released: the four preloads are held mid-start while the requests arrive.
        sim.faults().hang(SimOp.START);
        engine.setMax("load-dvm", Integer.toString(MAX));
        await().until(() -> pool("load-dvm").starting() == MAX && sim.calls(SimOp.START) == MAX);

        Uni<List<HandOut>> requests = Uni.join().all(java.util.stream.IntStream.range(0, REQUESTS)
                .mapToObj(i -> engine.handOut("load-dvm")).toList()).andFailFast();
        CompletableFuture<List<HandOut>> done = requests.subscribeAsCompletionStage();
        // Four requests claimed the starting preloads, the others went cold (or took refills) and created theirs.
        await().until(() -> sim.calls(SimOp.CREATE) >= REQUESTS);
        sim.faults().release(SimOp.START);
        List<HandOut> outs = done.get(60, TimeUnit.SECONDS);

        Set<String> names = new HashSet<>();
        for (HandOut h : outs) {
            assertTrue(names.add(h.name()), "handed out twice: " + h.name());
            assertTrue(sim.isOperational(h.name()), h.name() + " handed out before it was operational");
            assertEquals(PowerState.Running, state(h.name()));
        }
        assertTrue(outs.stream().filter(HandOut::preloaded).count() >= MAX, "the four starting preloads were used");
        awaitReady("load-dvm", MAX);
        Set<String> pooled = new HashSet<>();
        pool("load-dvm").preloads().forEach(p -> pooled.add(p.name()));
        List<String> leaked = dispvmsOf("load-dvm").stream().map(q -> q.name())
                .filter(n -> !names.contains(n) && !pooled.contains(n)).toList();
        assertEquals(List.of(), leaked, () -> "leaked, with their events: " + history.stream()
                .filter(e -> leaked.contains(e.qube())).toList());
        assertEquals(REQUESTS + MAX, dispvmsOf("load-dvm").size());
        for (PoolView.PreloadView p : pool("load-dvm").preloads()) {
            assertTrue(!names.contains(p.name()), p.name() + " is both handed out and in the pool");
        }
        assertTrue(maxHeld.get() <= MAX, "the pool held " + maxHeld.get() + " > max " + MAX);
        assertTrue(minAvailableMiB.get() >= 1000, "available memory fell to " + minAvailableMiB + " MiB, below the threshold 1000");
    }
}
