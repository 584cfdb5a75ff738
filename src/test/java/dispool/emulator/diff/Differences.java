package dispool.emulator.diff;

/** The tolerances of the differential, and the differences that are known and why. */
final class Differences {

    private Differences() {
    }

    static void check(Workload w, Outcome reference, Outcome dispool) {
    }
}
