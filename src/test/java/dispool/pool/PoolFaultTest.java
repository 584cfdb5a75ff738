package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.QubeInfo;
import dispool.host.sim.SimOp;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A failing host: hung readiness calls, removals the host refuses, and random failures of every
 * call while requests come in. The pool backs off instead of spinning, cleans up after itself,
 * and never hands a qube out twice (DESIGN.md invariants 1, 3 and 5).
 */
class PoolFaultTest extends EngineFixture {

    @Test
    void aHungReadinessCallTimesOutAndThePreloadIsRemoved() {
        start(host().build());
        sim.faults().hang(SimOp.RUN_SERVICE);
        engine.setMax(WEB, "1");
        await().until(() -> pool(WEB).lastFailure() != null);
        String failure = pool(WEB).lastFailure();
        assertTrue(failure.contains("qubes.WaitForRunningSystem"), failure);
        await().until(() -> dispvmsOf(WEB).size() <= 1);

        sim.faults().clear();
        awaitReady(WEB, 1);
        assertEquals(1, dispvmsOf(WEB).size(), "the timed-out preload was removed, only the new one is left");
    }

    @Test
    void removalIsRetried() {
        start(host().feature(WEB, "preload-dispvm-max", "2").build());
        awaitReady(WEB, 2);
        sim.faults().fail(SimOp.KILL, 1.0);
        engine.setMax(WEB, "0");
        await().until(() -> sim.calls(SimOp.KILL) >= 4);
        assertEquals(2, dispvmsOf(WEB).size(), "the host refuses every kill: both qubes are still there");
        assertEquals(0, pool(WEB).ready(), "neither counts as ready any more");

        sim.faults().clear();
        await().until(() -> dispvmsOf(WEB).isEmpty() && pool(WEB).preloads().isEmpty());
        assertEquals(List.of(), listFeature(WEB));
    }

    @Test
    void randomFailuresOfEveryCallLeakNothingAndHandOutNothingTwice() {
        start(host().feature(WEB, "preload-dispvm-max", "3").feature(WEB, "preload-dispvm-delay", "0").build());
        awaitReady(WEB, 3);
        for (SimOp op : List.of(SimOp.CREATE, SimOp.START, SimOp.RUN_SERVICE, SimOp.PAUSE, SimOp.UNPAUSE,
                SimOp.KILL, SimOp.REMOVE)) {
            sim.faults().fail(op, 0.25);
        }

        List<HandOut> outs = handOutsSurvivingFailures(24);

        Set<String> names = new HashSet<>();
        for (HandOut h : outs) {
            assertTrue(names.add(h.name()), "handed out twice: " + h.name());
            assertTrue(sim.isOperational(h.name()), h.name() + " handed out before it was operational");
        }
        sim.faults().clear();
        engine.setMax(WEB, "3");
        awaitReady(WEB, 3);
        Set<String> pooled = pool(WEB).preloads().stream().map(PoolView.PreloadView::name).collect(Collectors.toSet());
        await().until(() -> leftovers(names, pooled).isEmpty());
        assertTrue(outs.size() >= 3, "the three ready preloads were handed out: " + outs.size());
    }

    /** Fires the requests at once; a cold start may fail under faults, which the caller sees as an error. */
    private List<HandOut> handOutsSurvivingFailures(int requests) {
        List<Uni<HandOut>> calls = IntStream.range(0, requests)
                .mapToObj(i -> engine.handOut(WEB).onFailure(DispoolException.class).recoverWithNull()).toList();
        List<HandOut> all = Uni.join().all(calls).andFailFast().await().atMost(Duration.ofSeconds(60));
        return all.stream().filter(h -> h != null).toList();
    }

    /** Disposables of the template that are neither handed out nor in the pool. */
    private Set<String> leftovers(Set<String> handedOut, Set<String> pooled) {
        Set<String> left = new HashSet<>();
        for (QubeInfo q : dispvmsOf(WEB)) {
            if (!handedOut.contains(q.name()) && !pooled.contains(q.name())) {
                left.add(q.name());
            }
        }
        return left;
    }
}
