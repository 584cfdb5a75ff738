package dispool.emulator.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

/**
 * What the differential asserts: the tolerances within which dispool must match the reference,
 * and the differences that are known, each with its reason (also listed in the README). Timing
 * on a shared machine moves single requests between "from pool" and "cold" on both sides, so
 * counts are compared with a tolerance, never exactly.
 */
final class Differences {

    /** Workloads where the discards differ on purpose, and why. */
    static final Map<String, String> DISCARDS = Map.of(
            "restart of qubesd", "managed mode: qubesd R4.2 does not own dispool's preloads, so its restart interrupts none");

    /**
     * Differences in the served-from-pool count not fixed yet (engine, issue #8 item 3): what was
     * seen, and the wider tolerance that still catches a regression beyond it.
     */
    static final Map<String, Open> OPEN = Map.of(
            "restart of dispool", new Open("reference 10 of 10 from the pool, dispool 7: the request waiting for a "
                    + "starting preload when dispool stops goes cold, and the next finds the new engine still recovering", 4),
            "template property change", new Open("reference 13 of 14 from the pool, dispool 10: the request waiting for "
                    + "a starting preload when the template changes goes cold (the preload is discarded as outdated), and "
                    + "the next three find no preload for about 7 s", 5));

    /** A known, unfixed difference and the tolerance (in requests) it gets meanwhile. */
    record Open(String seen, int tolerance) {
    }

    private Differences() {
    }

    /** Served-from-pool counts may differ by this much: 2 requests, or 20 % of them. */
    static int tolerance(Workload w, Outcome reference) {
        int usual = Math.max(2, (int) Math.ceil(0.2 * reference.requests()));
        return OPEN.containsKey(w.name()) ? Math.max(usual, OPEN.get(w.name()).tolerance()) : usual;
    }

    static void check(Workload w, Outcome reference, Outcome dispool) {
        String at = w.name() + ": ";
        if (w.name().startsWith("steady stream")) {
            assertTrue(reference.servedShare() >= 0.85, at + "Qubes' stacked timers serve nearly every request from the pool, "
                    + "the reference served " + reference.served() + " of " + reference.requests());
        }
        assertEquals(0, reference.outdatedHandOuts(), at + "the reference handed out a preload made before the change");
        assertEquals(0, dispool.outdatedHandOuts(), at + "dispool handed out a preload made before the change");
        assertEquals(reference.requests(), dispool.requests(), at + "every request was served on both sides");
        int tolerance = tolerance(w, reference);
        assertTrue(Math.abs(reference.served() - dispool.served()) <= tolerance, at + "served from the pool: reference "
                + reference.served() + ", dispool " + dispool.served() + " (tolerance " + tolerance + ")");
        assertTrue(dispool.maxHeld() <= reference.maxHeld() + 1, at + "most preloads held: reference " + reference.maxHeld()
                + ", dispool " + dispool.maxHeld());
        if (!DISCARDS.containsKey(w.name())) {
            assertEquals(reference.discards().isEmpty(), dispool.discards().isEmpty(), at + "discards: reference "
                    + reference.discardReasons() + ", dispool " + dispool.discardReasons());
        }
    }
}
