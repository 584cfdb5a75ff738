package dispool.chaos;

import java.time.Duration;

/**
 * What a chaos run does: how many operations across how many DVM templates, from how many
 * concurrent callers, on a simulator how many times faster than real time, and the rates at
 * which faults fire. Rates are probabilities per host call; the "every" figures count operations.
 *
 * @param operations       hand-outs, removals, knob and template changes in all
 * @param seed             seeds the simulator and each caller's choices (threads still interleave freely)
 * @param templates        DVM templates, each with preload-dispvm-max 0..3 changing during the run
 * @param callers          operations in flight at once
 * @param timeScale        simulated time per wall time (1000: a 7 s cold start takes 7 ms)
 * @param createFail       probability a create fails
 * @param startFail        probability a start fails (the disposable is killed and removed, as qubesd does)
 * @param readinessTimeout probability a readiness call (qubes.WaitForRunningSystem) times out
 * @param pauseFail        probability a pause fails; unpause and kill fail at the same rate
 * @param slowFactor       latency factor of create, start and the readiness call (1: off)
 * @param streamCutEvery   every so many operations the host's event streams are cut (0: never)
 * @param restartEvery     every so many operations qubesd restarts: streams cut, every call refused
 *                         for {@code restartOutage} (0: never)
 * @param restartOutage    how long a qubesd restart refuses calls, host time
 * @param memoryEvery      every so many operations other qubes take {@code memoryTakenMiB}, or give it back (0: never)
 * @param memoryTakenMiB   how much memory other qubes take
 */
public record ChaosPlan(int operations, long seed, int templates, int callers, double timeScale, double createFail,
        double startFail, double readinessTimeout, double pauseFail, double slowFactor, int streamCutEvery,
        int restartEvery, Duration restartOutage, int memoryEvery, long memoryTakenMiB) {

    /**
     * Every fault kind on, at rates that leave the pools working most of the time; the event
     * faults fire about 20 (stream cuts), 5 (qubesd restarts) and 25 (memory) times per run.
     */
    public static ChaosPlan everyFault(int operations, long seed, int templates) {
        return new ChaosPlan(operations, seed, templates, 8, 1000, 0.05, 0.05, 0.03, 0.1, 3,
                Math.max(1, operations / 20), Math.max(1, operations / 5), Duration.ofSeconds(20),
                Math.max(1, operations / 25), 6000);
    }

    /** The same load with no fault at all. */
    public ChaosPlan withoutFaults() {
        return new ChaosPlan(operations, seed, templates, callers, timeScale, 0, 0, 0, 0, 1, 0, 0, restartOutage, 0, 0);
    }

    public ChaosPlan {
        if (operations < 1 || templates < 1 || callers < 1 || !(timeScale > 0)) {
            throw new IllegalArgumentException("chaos plan refused: operations, templates and callers must be at least 1 "
                    + "and the time scale above 0 (got " + operations + ", " + templates + ", " + callers + ", "
                    + timeScale + ")");
        }
    }
}
