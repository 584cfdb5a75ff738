package dispool.bench;

import dispool.host.Clock;
import dispool.host.sim.LatencyModel;
import dispool.host.sim.SimHost;
import dispool.pool.DispoolEngine;
import dispool.pool.EngineSettings;
import dispool.pool.RefillPolicies;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Its own simulated host and engine, in this process: the simulator's latency model (calibrated on
 * Qubes' fedora-42-xfce figures) at a time scale, so a whole bench takes seconds of wall time.
 */
public final class EmbeddedTarget extends EngineTarget {

    /**
     * A DVM template of the simulated host.
     *
     * @param name       its name
     * @param memoryMiB  memory of each of its disposables
     * @param bootFactor start and readiness time relative to Fedora-XFCE (Whonix ≈ 1.75)
     */
    public record Template(String name, long memoryMiB, double bootFactor) {
    }

    /**
     * What the simulated host and its engine allow beyond the latency model.
     *
     * @param bootSlots     boots the host runs at full speed at once, more share its CPUs
     *                      ({@link SimHost.Builder#bootSlots}); 0: every boot as if alone
     * @param maxColdStarts the engine's {@code dispool.engine.max-cold-starts}
     */
    public record HostModel(int bootSlots, int maxColdStarts) {

        /** Boots never contend; the engine's defaults (what {@code dispool bench} was calibrated with). */
        public static final HostModel UNCONTENDED = new HostModel(0, EngineSettings.WorkLimits.DEFAULT.maxColdStarts());

        /**
         * Qubes' laptop ({@link LatencyModel#QUBES_R43_BOOT_SLOTS} boots at full speed), and no refusal
         * of a cold start but for memory, as R4.3: slower boots under contention keep more cold starts
         * going than the service's default guard against request loops admits, and a traffic run
         * compares refill policies, not that guard.
         */
        public static final HostModel QUBES_LAPTOP = new HostModel(LatencyModel.QUBES_R43_BOOT_SLOTS, Integer.MAX_VALUE);
    }

    private final String description;

    /**
     * @param refillDelaySeconds preload-dispvm-delay on every template (Qubes' figures were taken
     *                           before that knob existed, i.e. with 0)
     */
    public EmbeddedTarget(double timeScale, long seed, long hostMemoryMiB, List<Template> templates,
            double refillDelaySeconds) {
        this(timeScale, seed, hostMemoryMiB, templates, refillDelaySeconds, null);
    }

    /** @param policy the refill policy of every template ({@code preload-dispvm-x-dispool-policy}); null: the engine's default */
    public EmbeddedTarget(double timeScale, long seed, long hostMemoryMiB, List<Template> templates,
            double refillDelaySeconds, String policy) {
        this(timeScale, seed, hostMemoryMiB, templates, refillDelaySeconds, policy, HostModel.UNCONTENDED);
    }

    /** @param model boot contention of the host and the engine's cold-start limit */
    public EmbeddedTarget(double timeScale, long seed, long hostMemoryMiB, List<Template> templates,
            double refillDelaySeconds, String policy, HostModel model) {
        SimHost.Builder b = SimHost.builder().clock(Clock.scaled(timeScale)).seed(seed).reuseDispIds()
                .totalMemoryMiB(hostMemoryMiB).templateVm("fedora-42-xfce").bootSlots(model.bootSlots());
        for (Template t : templates) {
            b.dvmTemplate(t.name(), t.memoryMiB(), "fedora-42-xfce", t.bootFactor())
                    .feature(t.name(), "preload-dispvm-delay", number(refillDelaySeconds));
            if (policy != null) {
                b.feature(t.name(), RefillPolicies.FEATURE, policy);
            }
        }
        SimHost sim = b.build();
        EngineSettings settings = EngineSettings.defaults();
        start(sim, new DispoolEngine(sim, settings.withLimits(new EngineSettings.WorkLimits(settings.limits().workers(),
                model.maxColdStarts()))));
        description = String.format(Locale.ROOT, "embedded simulator (latency model calibrated on Qubes' fedora-42-xfce "
                + "figures), %s, time scale %s, seed %d, host memory %d MiB, refill delay %s s, templates: %s",
                model.bootSlots() > 0 ? model.bootSlots() + " boots at full speed at once, more share the CPUs"
                        : "boots never contend",
                number(timeScale), seed, hostMemoryMiB, number(refillDelaySeconds), templates.stream()
                        .map(t -> t.name() + " (" + t.memoryMiB() + " MiB, boot x" + number(t.bootFactor()) + ")")
                        .collect(Collectors.joining(", ")));
    }

    @Override
    public String describe() {
        return description;
    }

    static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
