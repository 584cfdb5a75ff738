package dispool.bench;

import dispool.pool.RefillPolicies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * The traffic scenarios of {@code dispool bench traffic --host qemu}: the four shapes of
 * {@link TrafficScenarios#standard} scaled down to real QEMU micro-VMs on a small machine (192 MiB
 * guests, boots of 2–8 s under TCG on two shared CPUs, a few minutes of real time per policy),
 * R4.3's default refill delay (3 s) everywhere, each with a memory budget for its guests so the
 * run does not depend on what else the machine holds.
 */
public final class QemuTrafficScenarios {

    /** Memory of every guest: what the QEMU tests and {@code dispool bench --host qemu} boot. */
    public static final long GUEST_MIB = 192;
    /** Host time the pools get to fill before the first request: a few TCG boots side by side. */
    public static final Duration WARM_UP = Duration.ofSeconds(40);
    /** Budget of the scenarios that are not about memory: room for ten guests. */
    static final long ROOMY_MIB = 10 * GUEST_MIB;
    /**
     * Room kept by the threshold for disposables in use, refills and cold starts (four of them: with
     * two, overlapping requests found too little memory for a cold start and failed).
     */
    static final long IN_USE_MIB = 4 * GUEST_MIB;

    private QemuTrafficScenarios() {
    }

    /**
     * A scenario and its QEMU host.
     *
     * @param memoryBudgetMiB memory the guests may take together
     * @param thresholdMiB    preload-dispvm-threshold: memory preloads leave for disposables in use
     *                        and cold starts; 0 for none
     */
    public record Case(Traffic traffic, long memoryBudgetMiB, long thresholdMiB) {

        /** A fresh QEMU host and engine for this case, every template on {@code policy}. */
        public QemuTarget target(Path guestDir, String policy) {
            return new QemuTarget(templates(), TrafficScenarios.QUBES_DELAY_SECONDS, guestDir,
                    OptionalLong.of(memoryBudgetMiB), thresholdMiB, policy);
        }

        public List<EmbeddedTarget.Template> templates() {
            return traffic.maxes().keySet().stream().sorted().map(t -> new EmbeddedTarget.Template(t, GUEST_MIB, 1.0))
                    .toList();
        }
    }

    /**
     * Steady Poisson arrivals; Qubes' bursts at 6 requests with 2 in flight, eight of them 60 s apart
     * (the adaptive policy forecasts the third on from the gaps between the earlier ones and fills
     * ahead of them; eight, so the sixth on show the forecast holds past five bursts), {@code adaptive} at the burst's size as its ceiling against
     * {@code qubes}' fixed pool of 2; two templates at 3:1
     * with memory for 3 preloads; a day-like trace of a quiet minute, then two bursts.
     */
    public static List<Case> standard(long seed) {
        return List.of(
                new Case(Traffic.steady("default-dvm", 2, 4, Duration.ofMinutes(3), seed), ROOMY_MIB, 0),
                new Case(Traffic.qubesBursts("default-dvm", 2, 8, 6, 2, Duration.ofSeconds(60))
                        .withMax(RefillPolicies.ADAPTIVE, 6), ROOMY_MIB, 0),
                new Case(Traffic.competing("work-dvm", "web-dvm", 3, 6, 3, Duration.ofMinutes(3), seed),
                        memoryForPreloads(3) + IN_USE_MIB, IN_USE_MIB),
                new Case(Traffic.dayLike("default-dvm", 2, 1, Duration.ofMinutes(1), 2, 6, Duration.ofMinutes(2), seed),
                        ROOMY_MIB, 0));
    }

    /** A budget with room for {@code preloads} guests, not one more. */
    static long memoryForPreloads(int preloads) {
        return preloads * GUEST_MIB + GUEST_MIB / 2;
    }
}
