package dispool.bench;

import dispool.host.QubeInfo;
import dispool.host.qemu.QemuHost;
import dispool.host.qemu.QemuSettings;
import dispool.pool.DispoolEngine;
import dispool.pool.EngineSettings;
import dispool.pool.HandOut;
import dispool.pool.PreloadFeatures;
import dispool.pool.RefillPolicies;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Its own QEMU host and engine, in this process: every disposable is a real QEMU micro-VM on
 * this machine (the guest of deploy/qemu/build-guest.sh), in a state directory of its own that is
 * removed, guests and all, when the bench ends. Time is real (time scale 1); the description says
 * the accelerator, so every figure says whether KVM or TCG made it.
 */
public final class QemuTarget extends EngineTarget {

    private final QemuHost host;
    private final Path stateDir;
    private final String description;
    private final Optional<QemuFloor> floor;
    private final HandOutTimeline timeline = new HandOutTimeline();

    /**
     * @param templates DVM templates (name and memory; the boot factor is the simulator's and is ignored)
     * @param guestDir  the built guest (vmlinuz, initramfs.img, disk.qcow2)
     */
    public QemuTarget(List<EmbeddedTarget.Template> templates, double refillDelaySeconds, Path guestDir) {
        this(templates, refillDelaySeconds, guestDir, OptionalLong.empty(), 0, null, true);
    }

    /**
     * @param memoryBudgetMiB memory the guests may take together (the host's analogue of a Qubes
     *                        machine's RAM); empty: this machine's MemAvailable only
     * @param thresholdMiB    dom0's preload-dispvm-threshold from the start (memory preloads leave free); 0: unset
     * @param policy          the refill policy of every template ({@code preload-dispvm-x-dispool-policy}); null: the engine's default
     */
    public QemuTarget(List<EmbeddedTarget.Template> templates, double refillDelaySeconds, Path guestDir,
            OptionalLong memoryBudgetMiB, long thresholdMiB, String policy) {
        this(templates, refillDelaySeconds, guestDir, memoryBudgetMiB, thresholdMiB, policy, false);
    }

    /** @param measureFloor time the hand-out's floor ({@link QemuFloor}) before the engine starts */
    private QemuTarget(List<EmbeddedTarget.Template> templates, double refillDelaySeconds, Path guestDir,
            OptionalLong memoryBudgetMiB, long thresholdMiB, String policy, boolean measureFloor) {
        requireGuest(guestDir);
        try {
            stateDir = Files.createTempDirectory("dispool-bench-qemu-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a state directory for the QEMU bench", e);
        }
        Map<String, String> features = new HashMap<>(Map.of("preload-dispvm-delay",
                EmbeddedTarget.number(refillDelaySeconds)));
        if (policy != null) {
            features.put(RefillPolicies.FEATURE, policy);
        }
        List<QemuSettings.Template> specs = templates.stream().map(t -> new QemuSettings.Template(t.name(), "debian-guest",
                guestDir.resolve("vmlinuz"), guestDir.resolve("initramfs.img"), Optional.of(guestDir.resolve("disk.qcow2")),
                t.memoryMiB(), 1, Map.copyOf(features))).toList();
        Map<String, String> dom0 = thresholdMiB > 0 ? Map.of(PreloadFeatures.THRESHOLD, Long.toString(thresholdMiB))
                : Map.of();
        host = QemuHost.open(new QemuSettings(stateDir, "qemu-system-x86_64", "qemu-img", "auto", memoryBudgetMiB,
                Duration.ofSeconds(5), Duration.ofSeconds(60), specs, dom0, Optional.of(specs.get(0).name())));
        try {
            floor = measureFloor ? Optional.of(QemuFloor.measure(host, specs.get(0).name(), QemuFloor.SAMPLES,
                    QemuFloor.PAUSE, Duration.ofSeconds(120))) : Optional.empty();
        } catch (RuntimeException e) {
            host.close();
            removeStateDir();
            throw e;
        }
        host.onUnpause(timeline::unpaused);
        start(host, new DispoolEngine(host, EngineSettings.defaults()));
        description = String.format(Locale.ROOT, "QEMU micro-VMs on this machine, accelerator %s, %d CPUs, "
                + "guest: %s + busybox initramfs + qcow2 overlay, refill delay %s s, memory budget %s, "
                + "threshold %d MiB, templates: %s", accelerator(), Runtime.getRuntime().availableProcessors(), guest(guestDir),
                EmbeddedTarget.number(refillDelaySeconds), memoryBudgetMiB.isPresent()
                        ? memoryBudgetMiB.getAsLong() + " MiB" : "none (MemAvailable)", thresholdMiB,
                templates.stream().map(t -> t.name() + " (" + t.memoryMiB() + " MiB, 1 vCPU)").collect(Collectors.joining(", ")));
    }

    /**
     * The guest as build-guest.sh recorded it in {@code guest.properties}: its kernel package and
     * version and its agent's checksum, which the figures depend on; "Debian cloud kernel" where
     * the file is missing (a guest built elsewhere).
     */
    static String guest(Path guestDir) {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(guestDir.resolve("guest.properties"))) {
            p.load(in);
        } catch (IOException e) {
            return "Debian cloud kernel";
        }
        return p.getProperty("kernel-package", "Debian cloud kernel")
                + Optional.ofNullable(p.getProperty("kernel-version")).map(v -> " " + v).orElse("")
                + Optional.ofNullable(p.getProperty("agent")).map(a -> " (agent " + a + ")").orElse("");
    }

    /** Refuses a guest directory without a built guest, saying the command that builds one. */
    public static void requireGuest(Path guestDir) {
        for (String f : List.of("vmlinuz", "initramfs.img", "disk.qcow2")) {
            if (!Files.isReadable(guestDir.resolve(f))) {
                throw new IllegalArgumentException("no built guest in " + guestDir + " (" + f + " is missing): run "
                        + "deploy/qemu/build-guest.sh " + guestDir + " (as root it also installs qemu-system-x86, "
                        + "qemu-utils and cpio)");
            }
        }
    }

    /** The accelerator that runs the guests and why, e.g. "TCG (auto: ...)": every figure says which. */
    public String accelerator() {
        return host.accelerator().toUpperCase(Locale.ROOT) + " (" + host.acceleratorReason() + ")";
    }

    /** The hand-out's floor, timed before the engine started; absent for the traffic scenarios. */
    public Optional<QemuFloor> floor() {
        return floor;
    }

    /** Times each hand-out as the bench sees it, for the per-hand-out timeline. */
    @Override
    public HandOut handOut(String template) {
        long sent = System.nanoTime();
        HandOut h = super.handOut(template);
        timeline.handedOut(h, sent, System.nanoTime());
        return h;
    }

    /**
     * The floor's row of {@code run} (when the floor was measured) and the ready hand-outs'
     * timeline: printed on {@code out}, written as {@code floor.csv} and {@code timeline.csv} in {@code dir}.
     */
    public void report(BenchRun run, Path dir, PrintStream out) throws IOException {
        if (floor.isPresent()) {
            QemuFloor.report(floor.get().row(run, timeline.medianPausedSeconds()), dir, out);
        }
        timeline.report(dir, out);
    }

    @Override
    public String describe() {
        return description;
    }

    /** Stops the engine, then every guest of this bench, and removes its state directory. */
    @Override
    public void close() {
        super.close();
        host.listQubes().stream().filter(q -> q.isDispVm() && q.state().isActive()).map(QubeInfo::name)
                .forEach(host::kill);
        host.close();
        removeStateDir();
    }

    private void removeStateDir() {
        try (Stream<Path> all = Files.walk(stateDir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the QEMU bench's state directory " + stateDir, e);
        }
    }
}
