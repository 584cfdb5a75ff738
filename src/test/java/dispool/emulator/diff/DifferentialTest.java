package dispool.emulator.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.eclipse.microprofile.context.spi.ContextManagerProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The differential: every workload on the reference model of qubesd's preloading, on dispool's
 * engine in managed mode (the simulated host does not preload, as R4.2) and on dispool in native
 * mode (on top of the reference's preloads), same host, seed and script; the host's memory is
 * qmemman's ({@link dispool.host.memory.Qmemman}), observed by all. Asserts what a user sees agrees,
 * apart from the differences {@link Differences} names.
 *
 * <p>The suite runs the short form: one seed on one DVM template. {@code -Ddiff.grid=full} runs every
 * seed of {@link #FULL_SEEDS} on every {@link DvmProfile}; {@code -Ddiff.table=docs/fidelity.md}
 * writes the table into that file's own sections ({@link FidelityDoc}); {@code -Ddiff.only=TEXT} runs
 * only the workloads whose name contains TEXT; {@code -Ddiff.seeds=} and {@code -Ddiff.templates=} choose
 * part of the grid; {@code -Ddiff.scale=} sets how much faster than real time host time runs.
 */
class DifferentialTest {

    /** Host time against real time in the full grid (the generated table in docs/fidelity.md). */
    static final double SCALE = 25;
    /**
     * The short form's (the suite's), slower: 10 ms of scheduling on a loaded machine moves a
     * request by 0.1 host s here, 0.25 at {@link #SCALE}. At 25 the short form failed twice at load
     * 15-17, the reference itself serving fewer; what it checks is unchanged.
     */
    static final double SHORT_SCALE = 10;
    static final long SHORT_SEED = 8;
    static final List<Long> FULL_SEEDS = List.of(8L, 11L, 17L, 23L, 42L);
    private static final DifferentialTable TABLE = new DifferentialTable();
    private static final ExecutorService SIDES = Executors.newCachedThreadPool();

    /** {@code -Ddiff.scale=N}: host time N times faster than real time; else the full grid's or the short form's. */
    static double scale() {
        String chosen = System.getProperty("diff.scale");
        if (chosen != null) {
            return Double.parseDouble(chosen);
        }
        return fullGrid() ? SCALE : SHORT_SCALE;
    }

    private static boolean fullGrid() {
        return "full".equals(System.getProperty("diff.grid"));
    }

    /** {@code -Ddiff.seeds=8,11}: these seeds; else the full grid's or the short form's. */
    static List<Long> seeds() {
        String chosen = System.getProperty("diff.seeds");
        if (chosen != null) {
            return Arrays.stream(chosen.split(",")).map(String::trim).map(Long::valueOf).toList();
        }
        return fullGrid() ? FULL_SEEDS : List.of(SHORT_SEED);
    }

    /** {@code -Ddiff.templates=web-dvm,work-dvm}: these DVM templates; else the full grid's or the short form's. */
    static List<DvmProfile> profiles() {
        String chosen = System.getProperty("diff.templates");
        if (chosen != null) {
            List<String> names = Arrays.stream(chosen.split(",")).map(String::trim).toList();
            return DvmProfile.all().stream().filter(p -> names.contains(p.name())).toList();
        }
        return fullGrid() ? DvmProfile.all() : List.of(DvmProfile.WEB);
    }

    /** SmallRye's context manager is set up on first use; sides starting at once would race to set it. */
    @BeforeAll
    static void setUpContextPropagationOnce() {
        ContextManagerProvider.instance().getContextManager();
    }

    @TestFactory
    Stream<DynamicTest> everyWorkloadOnEverySide() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DvmProfile p : profiles()) {
            for (long seed : seeds()) {
                for (Workload w : Workloads.all().stream().filter(DifferentialTest::selected).toList()) {
                    tests.add(DynamicTest.dynamicTest(w.name() + " on " + p.name() + ", seed " + seed, () -> runAndCheck(w, p, seed)));
                }
            }
        }
        return tests.stream();
    }

    /** {@code -Ddiff.only=TEXT}: only the workloads whose name contains TEXT (to rerun one). */
    private static boolean selected(Workload w) {
        String only = System.getProperty("diff.only");
        return only == null || w.name().contains(only);
    }

    private static void runAndCheck(Workload w, DvmProfile p, long seed) {
        // the sides share nothing (a host each) and mostly wait on the simulator's clock: run at once
        CompletableFuture<Outcome> ref = CompletableFuture.supplyAsync(
                () -> WorkloadRunner.run(w, new ReferenceSide(w.host(scale(), seed, p), p.name())), SIDES);
        CompletableFuture<Outcome> man = CompletableFuture.supplyAsync(
                () -> WorkloadRunner.run(w, new DispoolSide(w.host(scale(), seed, p), p.name())), SIDES);
        NativeSide nativeSide = new NativeSide(w.host(scale(), seed, p), p.name());
        Outcome nativeMode = WorkloadRunner.run(w, nativeSide);
        Outcome reference = ref.join();
        Outcome managed = man.join();
        TABLE.add(new DifferentialTable.Row(w, p, seed, reference, managed, nativeMode));
        assertEquals(List.of(), nativeSide.doublePreloading(), w.name() + ": native mode, dispool on top of qubesd's preloads");
        Differences.check(w, Differences.Mode.MANAGED, reference, analogue(w, p, seed, reference), managed);
        Differences.check(w, Differences.Mode.NATIVE, reference, reference, nativeMode);
    }

    /** The reference's run of the workload's analogue ({@link Differences#ANALOGUES}), else its own. */
    private static Outcome analogue(Workload w, DvmProfile p, long seed, Outcome reference) {
        Differences.Analogue a = Differences.ANALOGUES.get(w.name());
        if (a == null) {
            return reference;
        }
        Workload other = Workloads.byName(a.workload());
        return WorkloadRunner.run(other, new ReferenceSide(other.host(scale(), seed, p), p.name()));
    }

    @AfterAll
    static void printAndWriteTable() throws IOException {
        SIDES.shutdownNow();
        System.out.println("\nDifferential (time scale " + scale() + "):\n" + TABLE.grid() + "\nClosest race, host s:\n" + TABLE.races()
                + "\n" + TABLE.detail());
        String doc = System.getProperty("diff.table");
        if (doc != null) {
            FidelityDoc.write(Path.of(doc), TABLE, scale());
        }
    }
}
