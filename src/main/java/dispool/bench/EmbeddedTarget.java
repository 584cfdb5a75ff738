package dispool.bench;

import dispool.host.Clock;
import dispool.host.sim.SimHost;
import dispool.pool.DispoolEngine;
import dispool.pool.EngineSettings;
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

    private final String description;

    /**
     * @param refillDelaySeconds preload-dispvm-delay on every template (Qubes' figures were taken
     *                           before that knob existed, i.e. with 0)
     */
    public EmbeddedTarget(double timeScale, long seed, long hostMemoryMiB, List<Template> templates,
            double refillDelaySeconds) {
        this(timeScale, seed, hostMemoryMiB, templates, refillDelaySeconds, null);
    }

    /** @param policy the refill policy of every template ({@code x-dispool-policy}); null: the engine's default */
    public EmbeddedTarget(double timeScale, long seed, long hostMemoryMiB, List<Template> templates,
            double refillDelaySeconds, String policy) {
        SimHost.Builder b = SimHost.builder().clock(Clock.scaled(timeScale)).seed(seed).reuseDispIds()
                .totalMemoryMiB(hostMemoryMiB).templateVm("fedora-42-xfce");
        for (Template t : templates) {
            b.dvmTemplate(t.name(), t.memoryMiB(), "fedora-42-xfce", t.bootFactor())
                    .feature(t.name(), "preload-dispvm-delay", number(refillDelaySeconds));
            if (policy != null) {
                b.feature(t.name(), "x-dispool-policy", policy);
            }
        }
        SimHost sim = b.build();
        start(sim, new DispoolEngine(sim, EngineSettings.defaults()));
        description = String.format(Locale.ROOT, "embedded simulator (latency model calibrated on Qubes' fedora-42-xfce "
                + "figures), time scale %s, seed %d, host memory %d MiB, refill delay %s s, templates: %s",
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
