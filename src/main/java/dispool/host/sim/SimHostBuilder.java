package dispool.host.sim;

import dispool.host.Clock;
import dispool.host.memory.QmemmanRules;
import dispool.host.model.DispIds;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Describes a simulated host: clock, latency, memory, TemplateVMs, DVM templates and features at start. */
public final class SimHostBuilder {
    /** A DVM template to create: its memory, TemplateVM and how much slower than Fedora-XFCE it boots. */
    record DvmTemplate(String name, long memoryMiB, String templateVm, double bootFactor) {
    }

    /** A feature set at start. */
    private record Feature(String qube, String feature, String value) {
    }

    Clock clock = Clock.system();
    LatencyModel latency = LatencyModel.QUBES_R43;
    long seed = System.nanoTime();
    long totalMiB = 16_000;
    long dom0MiB = 4_000;
    private final Set<String> templateVms = new LinkedHashSet<>();
    private final List<DvmTemplate> dvmTemplates = new ArrayList<>();
    private final List<Feature> features = new ArrayList<>();
    private String defaultDispvm = "";
    final List<String> netVms = new ArrayList<>();
    boolean reuseDispIds;
    QmemmanRules memoryRules = QmemmanRules.SUM;
    int bootSlots;

    public SimHostBuilder clock(Clock c) {
        clock = c;
        return this;
    }

    public SimHostBuilder latency(LatencyModel l) {
        latency = l;
        return this;
    }

    public SimHostBuilder seed(long s) {
        seed = s;
        return this;
    }

    public SimHostBuilder totalMemoryMiB(long mib) {
        totalMiB = mib;
        return this;
    }

    public SimHostBuilder dom0MemoryMiB(long mib) {
        dom0MiB = mib;
        return this;
    }

    /**
     * How qmemman publishes available memory ({@link QmemmanRules}): by default the plain sum the
     * tests were calibrated on; {@link QmemmanRules#QUBES_R43} for qmemman's own rules (cache
     * factor, lag, balloon, a preload's surplus handed back before its pause).
     */
    public SimHostBuilder memoryRules(QmemmanRules rules) {
        memoryRules = rules;
        return this;
    }

    public SimHostBuilder templateVm(String name) {
        templateVms.add(name);
        return this;
    }

    /** A DVM template based on the first TemplateVM (or fedora-42-xfce), Fedora-XFCE boot times. */
    public SimHostBuilder dvmTemplate(String name, long memoryMiB) {
        return dvmTemplate(name, memoryMiB, templateVms.isEmpty() ? "fedora-42-xfce" : templateVms.iterator().next(), 1.0);
    }

    public SimHostBuilder dvmTemplate(String name, long memoryMiB, String templateVm, double bootFactor) {
        templateVm(templateVm);
        dvmTemplates.add(new DvmTemplate(name, memoryMiB, templateVm, bootFactor));
        return this;
    }

    /**
     * A running qube that provides network ({@code provides_network=True}), such as
     * {@code sys-firewall}, the netvm every simulated qube names. Off by default: the netvm is then
     * only a name, and its memory is not counted.
     */
    public SimHostBuilder netVm(String name) {
        netVms.add(name);
        return this;
    }

    public SimHostBuilder defaultDispvm(String name) {
        defaultDispvm = name;
        return this;
    }

    /** A feature set at start, validated like any other. */
    public SimHostBuilder feature(String qube, String feature, String value) {
        features.add(new Feature(qube, feature, value));
        return this;
    }

    /**
     * Frees a disposable's id also once {@link SimCore#DISPID_COOLING} others were freed after it, so
     * a long benchmark can make more than 10,000 disposables in a week of host time (qubesd
     * waits the week: {@link DispIds}). Off by default: ids come back as on Qubes.
     */
    public SimHostBuilder reuseDispIds() {
        reuseDispIds = true;
        return this;
    }

    /**
     * Boots share the host's CPUs: {@code slots} boots run at full speed at once, more run
     * proportionally slower ({@link LatencyModel#contention}; Qubes' laptop:
     * {@link LatencyModel#QUBES_R43_BOOT_SLOTS}). Off (0) by default: every boot takes as long
     * as one alone, as the tests and benchmarks calibrated before this model expect.
     */
    public SimHostBuilder bootSlots(int slots) {
        if (slots < 0) {
            throw new IllegalArgumentException("boot slots " + slots + " refused: 0 (no contention) or more");
        }
        bootSlots = slots;
        return this;
    }

    public SimHost build() {
        SimHost host = new SimHost(this);
        SimInventory.populate(host, dom0MiB, templateVms, dvmTemplates);
        SimInventory.addNetVms(host, netVms);
        host.setGlobal("default_dispvm", "");
        host.setGlobal("default_qrexec_timeout", "60");
        if (!defaultDispvm.isEmpty()) {
            host.setGlobalProperty("default_dispvm", defaultDispvm);
        }
        features.forEach(f -> host.setFeature(f.qube(), f.feature(), f.value()));
        return host;
    }
}
