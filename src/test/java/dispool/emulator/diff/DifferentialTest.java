package dispool.emulator.diff;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import java.util.stream.Stream;

/**
 * The differential: every workload of issue #8 on the reference model of qubesd's preloading and
 * on dispool's engine (managed, on a simulated host that does not preload), same seed, same
 * script. Prints the table (README, "Differential against qubesd"); asserts what a user sees
 * agrees within tolerances, apart from the differences listed in {@link Differences}.
 */
class DifferentialTest {

    static final double SCALE = 25;
    static final long SEED = 8;
    private static final DifferentialTable TABLE = new DifferentialTable();

    @TestFactory
    Stream<DynamicTest> everyWorkloadOnBothSides() {
        return Workload.all().stream().map(w -> DynamicTest.dynamicTest(w.name(), () -> {
            Outcome reference = WorkloadRunner.run(w, new ReferenceSide(w.host(SCALE, SEED)));
            Outcome dispool = WorkloadRunner.run(w, new DispoolSide(w.host(SCALE, SEED)));
            TABLE.add(new DifferentialTable.Row(w, reference, dispool));
            Differences.check(w, reference, analogue(w, reference), dispool);
        }));
    }

    /** The reference's run of the workload's analogue ({@link Differences#ANALOGUES}), else its own. */
    private static Outcome analogue(Workload w, Outcome reference) {
        Differences.Analogue a = Differences.ANALOGUES.get(w.name());
        if (a == null) {
            return reference;
        }
        Workload other = Workload.all().stream().filter(x -> x.name().equals(a.workload())).findFirst().orElseThrow();
        return WorkloadRunner.run(other, new ReferenceSide(other.host(SCALE, SEED)));
    }

    @AfterAll
    static void printTable() {
        System.out.println("\nDifferential (time scale " + SCALE + ", seed " + SEED + "):\n" + TABLE.markdown());
    }
}
