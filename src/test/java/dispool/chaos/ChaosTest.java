package dispool.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The short form of the chaos run for CI (the long one is {@code dispool chaos}): every fault kind
 * on, then DESIGN.md's invariants with faults off. A seed that ever fails is added here.
 */
class ChaosTest {

    private static ChaosReport run(ChaosPlan plan) throws InterruptedException {
        ChaosReport r = new ChaosRun(plan).run();
        r.print(System.out);
        return r;
    }

    /**
     * Seed 7 once handed out an outdated preload: its template changed while the event stream was
     * cut, and nothing marked the pools suspect until the reconnect's reconcile.
     */
    @Test
    void everyFaultKindOnAndTheInvariantsHold() throws InterruptedException {
        ChaosReport r = run(ChaosPlan.everyFault(3000, 7, 4));
        assertEquals(java.util.List.of(), r.violations());
        for (String kind : new String[] {"create:fail", "start:fail", "run-service:timeout", "pause:fail", "unpause:fail",
            "kill:fail", "start:slow", "event-stream-cut", "qubesd-restart", "qubesd-down", "memory-taken"}) {
            assertTrue(r.faults().getOrDefault(kind, 0L) > 0, "fault " + kind + " fired: " + r.faults());
        }
        assertTrue(r.preloaded() > 0 && r.cold() > 0, "both kinds of hand-out happened");
        assertTrue(r.thresholdChecks() > 0 && r.maxSamples() > 0);
        assertTrue(r.refillHostSeconds() >= 0);
    }
}
