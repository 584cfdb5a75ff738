package dispool.bench;

import dispool.host.Clock;
import dispool.host.sim.SimHost;
import dispool.pool.DispoolEngine;
import dispool.pool.EngineSettings;
import dispool.pool.PoolEvents;
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

    private final SimHost sim;
    private final double timeScale;
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
        this(timeScale, seed, hostMemoryMiB, templates, refillDelaySeconds, policy, 0);
    }

    /**
     * @param bootSlots boots the simulated host runs at full speed at once, more share its CPUs
     *                  ({@link SimHost.Builder#bootSlots}); 0: every boot as if alone
     */
    public EmbeddedTarget(double timeScale, long seed, long hostMemoryMiB, List<Template> templates,
            double refillDelaySeconds, String policy, int bootSlots) {
        this.timeScale = timeScale;
        SimHost.Builder b = SimHost.builder().clock(Clock.scaled(timeScale)).seed(seed).reuseDispIds()
                .totalMemoryMiB(hostMemoryMiB).templateVm("fedora-42-xfce").bootSlots(bootSlots);
        for (Template t : templates) {
            b.dvmTemplate(t.name(), t.memoryMiB(), "fedora-42-xfce", t.bootFactor())
                    .feature(t.name(), "preload-dispvm-delay", number(refillDelaySeconds));
            if (policy != null) {
                b.feature(t.name(), "x-dispool-policy", policy);
            }
        }
        sim = b.build();
        start(new DispoolEngine(sim, EngineSettings.defaults()));
        description = String.format(Locale.ROOT, "embedded simulator (latency model calibrated on Qubes' fedora-42-xfce "
                + "figures), %s, time scale %s, seed %d, host memory %d MiB, refill delay %s s, templates: %s",
                bootSlots > 0 ? bootSlots + " boots at full speed at once, more share the CPUs" : "boots never contend",
                number(timeScale), seed, hostMemoryMiB, number(refillDelaySeconds), templates.stream()
                        .map(t -> t.name() + " (" + t.memoryMiB() + " MiB, boot x" + number(t.bootFactor()) + ")")
                        .collect(Collectors.joining(", ")));
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public double timeScale() {
        return timeScale;
    }

    /** Sets dom0's preload-dispvm-threshold: memory in MiB that preloads leave free for other qubes. */
    public void setThreshold(long mib) {
        engine.updateGlobalSettings(null, false, Long.toString(mib), null, null);
    }

    /** The engine's events (traffic scenarios record the memory its preloads hold from them). */
    PoolEvents events() {
        return engine.events();
    }

    /** Host milliseconds of the simulator's clock. */
    long hostMillis() {
        return sim.clock().millis();
    }

    static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
