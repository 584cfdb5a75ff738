package dispool.bench;

import dispool.pool.RefillPolicies;
import java.time.Duration;
import java.util.List;

/**
 * The standard traffic scenarios of {@code dispool bench traffic}, each with the host memory it
 * runs on: R4.3's default refill delay (3 s) everywhere, Fedora-like 400 MiB templates.
 */
public final class TrafficScenarios {

    /** Qubes R4.3's default preload-dispvm-delay. */
    public static final double QUBES_DELAY_SECONDS = 3;
    /** dom0's memory in the simulator plus qmemman's reserve: what a host needs before any qube. */
    static final long BASE_MIB = 4_050;
    static final long TEMPLATE_MIB = 400;

    private TrafficScenarios() {
    }

    /**
     * A scenario and its host.
     *
     * @param hostMemoryMiB the simulated host's memory
     * @param thresholdMiB  preload-dispvm-threshold: memory preloads leave for disposables in use
     *                      and cold starts
     */
    public record Case(Traffic traffic, long hostMemoryMiB, long thresholdMiB) {

        public Case(Traffic traffic, long hostMemoryMiB) {
            this(traffic, hostMemoryMiB, 0);
        }

        /** A fresh embedded host and engine for this case, every template on {@code policy}. */
        public EmbeddedTarget target(double timeScale, long seed, String policy) {
            EmbeddedTarget t = new EmbeddedTarget(timeScale, seed, hostMemoryMiB, templates(), QUBES_DELAY_SECONDS, policy,
                    EmbeddedTarget.HostModel.QUBES_LAPTOP);
            if (thresholdMiB > 0) {
                t.setThreshold(thresholdMiB);
            }
            return t;
        }

        public List<EmbeddedTarget.Template> templates() {
            return traffic.maxes().keySet().stream().sorted().map(t -> new EmbeddedTarget.Template(t, TEMPLATE_MIB, 1.0))
                    .toList();
        }
    }

    public static List<Case> standard(long seed) {
        long roomy = 16_000;
        return List.of(
                new Case(Traffic.steady("default-dvm", 4, 6, Duration.ofMinutes(60), seed), roomy),
                new Case(Traffic.qubesBursts("default-dvm", 4, 10, 12, 4, Duration.ofMinutes(2)).withMax(RefillPolicies.ADAPTIVE, 12),
                        roomy),
                new Case(Traffic.competing("work-dvm", "web-dvm", 4, 8, 3, Duration.ofMinutes(30), seed),
                        memoryForPreloads(4) + IN_USE_MIB, IN_USE_MIB),
                new Case(Traffic.dayLike("default-dvm", 4, 0.5, Duration.ofMinutes(60), 4, 12, Duration.ofMinutes(15),
                        seed).withMax(RefillPolicies.ADAPTIVE, 12), roomy),
                new Case(Traffic.ramp("default-dvm", 4, 0.5, 8, Duration.ofMinutes(60), seed), roomy));
    }

    /**
     * Room kept by the threshold for disposables in use and cold starts (ten of them: on a host
     * whose boots share the CPUs they take longer, so more are under way at once than the six
     * enough without contention).
     */
    static final long IN_USE_MIB = 10 * TEMPLATE_MIB;

    /** Host memory with room for {@code preloads} preloads, not one more. */
    static long memoryForPreloads(int preloads) {
        return BASE_MIB + preloads * TEMPLATE_MIB + TEMPLATE_MIB / 2;
    }
}
