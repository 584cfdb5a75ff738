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
     * Workloads whose counterpart on the reference is another workload: dispool's side is compared
     * with the reference's run of that one, and why.
     */
    static final Map<String, Analogue> ANALOGUES = Map.of(
            "restart of dispool", new Analogue("restart of qubesd", "in managed mode dispool does what qubesd does "
                    + "natively, so its restart is the analogue of qubesd's: a preload starting when it stops is "
                    + "interrupted, its requester goes cold, and the next start removes it (Qubes' on_domain_loaded, "
                    + "Recovery); on the reference, a restart of dispool touches nothing of qubesd's preloading"));

    /** The reference workload {@code workload} stands for on dispool's side, and why. */
    record Analogue(String workload, String why) {
    }

    private Differences() {
    }

    /** Served-from-pool counts may differ by this much: 2 requests, or 20 % of them. */
    static int tolerance(Outcome reference) {
        return Math.max(2, (int) Math.ceil(0.2 * reference.requests()));
    }

    /**
     * {@code analogue}: the reference's run of the workload's {@link #ANALOGUES analogue} (else
     * {@code reference} itself), against which dispool's served-from-pool count is compared.
     */
    static void check(Workload w, Outcome reference, Outcome analogue, Outcome dispool) {
        String at = w.name() + ": ";
        if (w.name().startsWith("steady stream")) {
            assertTrue(reference.servedShare() >= 0.85, at + "Qubes' stacked timers serve nearly every request from the pool, "
                    + "the reference served " + reference.served() + " of " + reference.requests());
        }
        assertEquals(0, reference.outdatedHandOuts(), at + "the reference handed out a preload made before the change");
        assertEquals(0, dispool.outdatedHandOuts(), at + "dispool handed out a preload made before the change");
        assertEquals(reference.requests(), dispool.requests(), at + "every request was served on both sides");
        int tolerance = tolerance(analogue);
        Analogue a = ANALOGUES.get(w.name());
        String against = a == null ? "reference" : "reference's " + a.workload() + " (" + a.why() + ")";
        assertTrue(Math.abs(analogue.served() - dispool.served()) <= tolerance, at + "served from the pool: " + against
                + " " + analogue.served() + ", dispool " + dispool.served() + " (tolerance " + tolerance + ")");
        assertTrue(dispool.maxHeld() <= reference.maxHeld() + 1, at + "most preloads held: reference " + reference.maxHeld()
                + ", dispool " + dispool.maxHeld());
        if (!DISCARDS.containsKey(w.name())) {
            assertEquals(reference.discards().isEmpty(), dispool.discards().isEmpty(), at + "discards: reference "
                    + reference.discardReasons() + ", dispool " + dispool.discardReasons());
        }
    }
}
