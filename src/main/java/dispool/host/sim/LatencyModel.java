package dispool.host.sim;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;

/**
 * How long each simulated call takes, in host time: a log-normal draw around a median, so most
 * calls are near it and a few are slow, as on real hardware.
 *
 * <p>Calibrated on Qubes' own measurements (reference/qubes-perf.md: fedora-42-xfce, R4.3-rc2,
 * Core Ultra 7 155H). A cold disposable (API "response", create + start + readiness) has a median
 * of 7.0 s (nv56) to 7.16 s (nv54): here create 0.35 s + start until the qrexec agent connects
 * 4.9 s + {@code qubes.WaitForRunningSystem} 1.7 s after that. A preloaded hand-out's best case
 * is 0.26–0.28 s including qubesd bookkeeping, of which unpause plus a qrexec call into a running
 * qube is 0.025–0.063 s: here unpause 0.025 s, a service call in an operational qube 0.02 s. The
 * GUI session adds 0.5–1.75 s (0.6 s here). Teardown (kill) of a normal disposable: 0.85–0.99 s.
 * Pause is not measured by Qubes; 0.08 s here. A template's boot factor scales start and
 * readiness (Whonix takes 12.2 s cold: about 1.75).
 */
public final class LatencyModel {

    /** Everything instant: for micro-benchmarks of the engine alone. */
    public static final LatencyModel ZERO = new LatencyModel(Map.of(), 0, 0);

    /** Calibrated on Qubes' published figures (see the class comment). */
    public static final LatencyModel QUBES_R43 = new LatencyModel(Map.of(
            Step.CREATE, 0.35, Step.START, 4.9, Step.OPERATIONAL, 1.7, Step.SESSION, 0.6, Step.PAUSE, 0.08,
            Step.UNPAUSE, 0.025, Step.SERVICE_CALL, 0.02, Step.KILL, 0.9, Step.REMOVE, 0.15), 0.15, 0.3);

    /**
     * How many boots Qubes' reference laptop runs at full speed at once, for {@link #contention}.
     * Qubes measured normal disposables (nv56, fedora-42-xfce) at 6.97 s each one after another
     * and 9.37 s each with 4 in flight (reference/qubes-perf.md §4). Only the boot (start and
     * readiness, 6.6 s of the 6.95 s cold start here) is shared, create is not: 0.35 s + 6.6 s ×
     * 4/K = 9.37 s gives K = 2.9, so 3. Check: 4 in flight then take 9.15 s each, 10.05 s with the kill,
     * 2.5 s of wall time per disposable against Qubes' 3.04 s (in Qubes' run the 4 do not boot
     * together all the time).
     */
    public static final int QUBES_R43_BOOT_SLOTS = 3;

    /** The timed steps of the model. */
    public enum Step { CREATE, START, OPERATIONAL, SESSION, PAUSE, UNPAUSE, SERVICE_CALL, KILL, REMOVE }

    private final Map<Step, Double> medianSeconds;
    private final double bootSigma;
    private final double otherSigma;

    private LatencyModel(Map<Step, Double> medianSeconds, double bootSigma, double otherSigma) {
        this.medianSeconds = new EnumMap<>(Step.class);
        this.medianSeconds.putAll(medianSeconds);
        this.bootSigma = bootSigma;
        this.otherSigma = otherSigma;
    }

    /**
     * Processor sharing between boots: a host runs {@code slots} boots at full speed; with more
     * booting at once each runs {@code booting / slots} times slower (the CPUs are shared evenly).
     * {@code booting} counts the qubes between start and operational when a boot step is drawn,
     * the drawing one included; {@code slots} 0 means no contention (every boot as if alone).
     */
    static double contention(int booting, int slots) {
        return slots <= 0 ? 1.0 : Math.max(1.0, (double) booting / slots);
    }

    /** One draw for {@code step}, scaled by {@code factor} (a template's boot factor, a slow-down). */
    Duration draw(Step step, double factor, Random random) {
        double median = medianSeconds.getOrDefault(step, 0.0);
        if (median == 0) {
            return Duration.ZERO;
        }
        double sigma = step == Step.START || step == Step.OPERATIONAL ? bootSigma : otherSigma;
        double gaussian;
        synchronized (random) {
            gaussian = random.nextGaussian();
        }
        return Duration.ofNanos((long) (median * factor * Math.exp(sigma * gaussian) * 1e9));
    }
}
