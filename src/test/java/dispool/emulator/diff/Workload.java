package dispool.emulator.diff;

import dispool.host.Clock;
import dispool.host.memory.QmemmanRules;
import dispool.host.sim.SimHost;
import dispool.host.sim.SimHostBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A scripted workload: the knobs at boot (the subject DVM template's, dom0's, {@code default_dispvm}),
 * then timed steps in host seconds from the moment the pool is first full (requests, knob changes,
 * updates, restarts, suspend). The subject is the {@link DvmProfile} the run is on ({@link Side#dvm()}).
 *
 * @param bootFill how many preloads the subject holds once booted (what the run waits for)
 * @param exact    nothing in the script races a refill, so every side must serve exactly the same
 *                 requests from the pool (else within {@link Differences#tolerance})
 * @param racy     why a workload is not exact: which of its requests race what (null when exact)
 */
record Workload(String name, Integer bootMax, String bootDelay, boolean subjectIsDefault, Map<String, String> dom0Features,
        int bootFill, boolean exact, String racy, List<Step> steps) {

    /** How long after a request the user closes the disposable, in host seconds. */
    static final double CLOSE_AFTER = 10;

    /**
     * What happens at {@code at} host seconds. {@code outdates}: the step makes every preload held
     * at that moment outdated (none of them may be handed out to a request made afterwards).
     */
    record Step(double at, String what, Consumer<Side> action, boolean outdates) {
    }

    /**
     * The simulated host of every workload, sized for the subject ({@link DvmProfile#hostMemoryMiB}):
     * the three DVM templates and a spare TemplateVM, qmemman's
     * R4.3 rules (the figure lags and counts preferred sizes), seed fixed, {@code scale} times faster than real time.
     */
    SimHost host(double scale, long seed, DvmProfile subject) {
        SimHostBuilder b = SimHost.builder().clock(Clock.scaled(scale)).seed(seed).totalMemoryMiB(subject.hostMemoryMiB()).dom0MemoryMiB(4_000)
                .memoryRules(QmemmanRules.QUBES_R43).templateVm(DvmProfile.SPARE_TEMPLATE_VM);
        DvmProfile.all().forEach(p -> b.dvmTemplate(p.name(), p.memoryMiB(), p.templateVm(), p.bootFactor()));
        if (bootMax != null) {
            b.feature(subject.name(), "preload-dispvm-max", Integer.toString(bootMax));
        }
        if (bootDelay != null) {
            b.feature(subject.name(), "preload-dispvm-delay", bootDelay);
        }
        dom0Features.forEach((f, v) -> b.feature("dom0", f, v));
        return (subjectIsDefault ? b.defaultDispvm(subject.name()) : b).build();
    }

    double end() {
        return steps.stream().mapToDouble(Step::at).max().orElse(0);
    }

    static Builder named(String name, Integer bootMax, String bootDelay) {
        return new Builder(name, bootMax, bootDelay);
    }

    /** Builds the step list. */
    static final class Builder {
        private final String name;
        private final Integer bootMax;
        private final String bootDelay;
        private boolean subjectIsDefault;
        private final Map<String, String> dom0Features = new LinkedHashMap<>();
        private Integer bootFill;
        private boolean exact;
        private String racy;
        private final List<Step> steps = new ArrayList<>();

        Builder(String name, Integer bootMax, String bootDelay) {
            this.name = name;
            this.bootMax = bootMax;
            this.bootDelay = bootDelay;
        }

        /** The subject is the {@code default_dispvm} at boot. */
        Builder asDefaultDispvm() {
            subjectIsDefault = true;
            return this;
        }

        Builder dom0Feature(String feature, String value) {
            dom0Features.put(feature, value);
            return this;
        }

        Builder bootFill(int preloads) {
            bootFill = preloads;
            return this;
        }

        /**
         * Requests are far apart from every refill and knob change, and faults are counted, not
         * timed: the sides must agree exactly (on every seed of the full grid, and the reference
         * with itself).
         */
        Builder exact() {
            exact = true;
            return this;
        }

        /**
         * Not exact, and why: a request lands within a host second or so of a refill, a knob change
         * or a restart, so which side finds a preload ready moves with the threads' timing (host
         * time runs {@link DifferentialTest#scale} times faster than real time: 10 ms of scheduling
         * on a loaded machine is a quarter of a host second).
         */
        Builder racy(String why) {
            racy = why;
            return this;
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

        /** A feature of the subject set ({@code value} null: removed). */
        Builder feature(double at, String feature, String value) {
            return qubeFeature(at, null, feature, value);
        }

        /** A feature of {@code qube} (null: the subject) set, or removed when {@code value} is null. */
        Builder qubeFeature(double at, String qube, String feature, String value) {
            return at(at, (qube == null ? "" : qube + " ") + feature + "=" + value, s -> {
                String q = qube == null ? s.dvm() : qube;
                if (value == null) {
                    s.host().removeFeature(q, feature);
                } else {
                    s.host().setFeature(q, feature, value);
                }
            });
        }

        Workload build() {
            if (exact == (racy != null)) {
                throw new IllegalStateException(name + ": a workload is either exact or racy, with the reason");
            }
            int fill = bootFill != null ? bootFill : bootMax == null ? 0 : bootMax;
            return new Workload(name, bootMax, bootDelay, subjectIsDefault, Map.copyOf(dom0Features), fill, exact, racy,
                    List.copyOf(steps));
        }
    }
}
