package dispool.emulator.diff;

import dispool.host.Clock;
import dispool.host.sim.SimHost;
import dispool.host.sim.SimHostBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A scripted workload: the DVM template's knobs at boot, then timed steps in host seconds from
 * the moment the pool is first full (requests, knob changes, updates, restarts, suspend).
 */
record Workload(String name, int bootMax, String bootDelay, List<Step> steps) {

    static final String DVM = "web-dvm";
    static final String TEMPLATE_VM = "debian-13-xfce";
    /** How long after a request the user closes the disposable, in host seconds. */
    static final double CLOSE_AFTER = 10;

    /**
     * What happens at {@code at} host seconds. {@code outdates}: the step makes every preload held
     * at that moment outdated (none of them may be handed out afterwards).
     */
    record Step(double at, String what, Consumer<Side> action, boolean outdates) {
    }

    /** The simulated host of every workload (seed fixed, {@code scale} times faster than real time). */
    SimHost host(double scale, long seed) {
        SimHostBuilder b = SimHost.builder().clock(Clock.scaled(scale)).seed(seed).totalMemoryMiB(16_000).dom0MemoryMiB(4_000)
                .dvmTemplate(DVM, 400, TEMPLATE_VM, 1.0).feature(DVM, "preload-dispvm-max", Integer.toString(bootMax));
        return (bootDelay == null ? b : b.feature(DVM, "preload-dispvm-delay", bootDelay)).build();
    }

    double end() {
        return steps.stream().mapToDouble(Step::at).max().orElse(0);
    }

    static Builder named(String name, int bootMax, String bootDelay) {
        return new Builder(name, bootMax, bootDelay);
    }

    /** Builds the step list. */
    static final class Builder {
        private final String name;
        private final int bootMax;
        private final String bootDelay;
        private final List<Step> steps = new ArrayList<>();

        Builder(String name, int bootMax, String bootDelay) {
            this.name = name;
            this.bootMax = bootMax;
            this.bootDelay = bootDelay;
        }

        /** {@code count} requests, one every {@code every} seconds from {@code from}. */
        Builder requests(double from, double every, int count) {
            for (int i = 0; i < count; i++) {
                steps.add(new Step(from + i * every, "request", null, false));
            }
            return this;
        }

        /** {@code count} requests at once. */
        Builder burst(double at, int count) {
            return requests(at, 0, count);
        }

        Builder at(double at, String what, Consumer<Side> action) {
            steps.add(new Step(at, what, action, false));
            return this;
        }

        /** A step after which what is preloaded now is outdated. */
        Builder outdating(double at, String what, Consumer<Side> action) {
            steps.add(new Step(at, what, action, true));
            return this;
        }

        Builder feature(double at, String feature, String value) {
            return at(at, feature + "=" + value, s -> {
                if (value == null) {
                    s.host().removeFeature(DVM, feature);
                } else {
                    s.host().setFeature(DVM, feature, value);
                }
            });
        }

        Workload build() {
            return new Workload(name, bootMax, bootDelay, List.copyOf(steps));
        }
    }

    /** The workloads of issue #8, item 2. */
    static List<Workload> all() {
        return List.of(
                named("steady stream (max 2, delay 3, every 2 s)", 2, "3").requests(0, 2, 40).build(),
                named("bursts of 4 (max 4)", 4, null).burst(0, 4).burst(30, 4).build(),
                named("burst of 12 (max 4)", 4, null).burst(0, 12).requests(40, 5, 4).build(),
                named("knob churn", 2, null).requests(0, 3, 12).feature(4, "preload-dispvm-max", "5")
                        .feature(10, "preload-dispvm-max", "1").feature(16, "preload-dispvm-max", null)
                        .feature(22, "preload-dispvm-max", "3").feature(28, "preload-dispvm-delay", "0").build(),
                named("negative delay (max 3, delay -2)", 3, "-2").requests(0, 2, 15).build(),
                named("zero delay (max 2, delay 0)", 2, "0").requests(0, 2, 20).build(),
                named("template property change", 2, null).requests(0, 4, 4)
                        .outdating(9, "qvm-prefs web-dvm vcpus 4", s -> s.host().setProperty(DVM, "vcpus", "4"))
                        .requests(10, 4, 10).build(),
                named("TemplateVM update", 2, null).requests(0, 4, 3)
                        .outdating(9, "update " + TEMPLATE_VM, s -> s.host().updateTemplate(TEMPLATE_VM)).requests(10, 4, 8).build(),
                named("suspend and resume", 2, null).requests(0, 4, 3).at(10, "suspend", Side::suspend)
                        .at(20, "resume", Side::resume).requests(22, 4, 6).build(),
                named("restart of dispool", 2, null).requests(0, 4, 4).at(14, "restart dispool", Side::restartDispool)
                        .requests(16, 4, 6).build(),
                named("restart of qubesd", 2, null).requests(0, 4, 4).at(14, "restart qubesd", Side::restartQubesd)
                        .requests(16, 4, 6).build());
    }
}
