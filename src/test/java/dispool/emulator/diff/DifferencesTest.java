package dispool.emulator.diff;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The differential's comparison on recorded counts, apart from any run. */
class DifferencesTest {

    private static final Workload RESTART_OF_QUBESD = Workloads.byName("restart of qubesd");

    /** {@code served} of {@code requests} from the pool; the cold ones are the last, {@code lost} of them to the restart. */
    private static Outcome outcome(int served, int requests, List<Integer> lost) {
        List<Integer> cold = IntStream.rangeClosed(served + 1, requests).boxed().toList();
        return new Outcome(served, cold, 2, List.of(), List.of(), 0, lost, Double.POSITIVE_INFINITY);
    }

    @Test
    void managedIsComparedWithWhatTheReferenceServedPlusWhatItsRestartCostIt() {
        // full grid at 3cf65a3, whonix-dvm seed 42: reference 7 of 10 (cold #5, #6, #7 after the restart), managed 10
        Outcome reference = outcome(7, 10, List.of(5, 6, 7));
        assertEquals(10, Differences.expectedServed(RESTART_OF_QUBESD, Differences.Mode.MANAGED, reference, reference));
        assertDoesNotThrow(() -> Differences.checkServed(RESTART_OF_QUBESD, Differences.Mode.MANAGED, reference, reference,
                outcome(10, 10, List.of())));
    }

    @Test
    void managedOffByMoreThanTheToleranceFromThatFails() {
        Outcome reference = outcome(7, 10, List.of(5, 6, 7));
        // within max(2, 20 %) of the reference's own 7, but 3 short of 7 + 3
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> Differences.checkServed(RESTART_OF_QUBESD,
                Differences.Mode.MANAGED, reference, reference, outcome(7, 10, List.of())));
        assertEquals("restart of qubesd (managed): served from the pool: reference 7 + 3 lost to its restart "
                + "(requests [5, 6, 7]), dispool 7 (tolerance 2) ==> expected: <true> but was: <false>", e.getMessage());
    }

    @Test
    void aRestartThatCostTheReferenceNothingLeavesTheComparisonAsItWas() {
        Outcome reference = outcome(8, 10, List.of());
        assertThrows(AssertionFailedError.class, () -> Differences.checkServed(RESTART_OF_QUBESD, Differences.Mode.MANAGED,
                reference, reference, outcome(5, 10, List.of())));
        assertDoesNotThrow(() -> Differences.checkServed(RESTART_OF_QUBESD, Differences.Mode.MANAGED, reference, reference,
                outcome(10, 10, List.of())));
    }

    @Test
    void nativeModeSharesTheRestartedQubesdSoItIsComparedWithTheReferenceAsIs() {
        Outcome reference = outcome(7, 10, List.of(5, 6, 7));
        assertEquals(7, Differences.expectedServed(RESTART_OF_QUBESD, Differences.Mode.NATIVE, reference, reference));
        assertThrows(AssertionFailedError.class, () -> Differences.checkServed(RESTART_OF_QUBESD, Differences.Mode.NATIVE,
                reference, reference, outcome(10, 10, List.of())));
    }
}
