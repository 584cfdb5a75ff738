package dispool.bench;

import dispool.host.QubeInfo;
import dispool.host.qemu.QemuHost;
import dispool.host.qemu.QemuSettings;
import dispool.pool.DispoolEngine;
import dispool.pool.EngineSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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

    /**
     * @param templates DVM templates (name and memory; the boot factor is the simulator's and is ignored)
     * @param guestDir  the built guest (vmlinuz, initramfs.img, disk.qcow2)
     */
    public QemuTarget(List<EmbeddedTarget.Template> templates, double refillDelaySeconds, Path guestDir) {
        try {
            stateDir = Files.createTempDirectory("dispool-bench-qemu-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a state directory for the QEMU bench", e);
        }
        List<QemuSettings.Template> specs = templates.stream().map(t -> new QemuSettings.Template(t.name(), "debian-guest",
                guestDir.resolve("vmlinuz"), guestDir.resolve("initramfs.img"), Optional.of(guestDir.resolve("disk.qcow2")),
                t.memoryMiB(), 1, Map.of("preload-dispvm-delay", EmbeddedTarget.number(refillDelaySeconds)))).toList();
        host = QemuHost.open(new QemuSettings(stateDir, "qemu-system-x86_64", "qemu-img", "auto", OptionalLong.empty(),
                Duration.ofSeconds(5), Duration.ofSeconds(60), specs, Map.of(), Optional.of(specs.get(0).name())));
        start(new DispoolEngine(host, EngineSettings.defaults()));
        description = String.format(Locale.ROOT, "QEMU micro-VMs on this machine, accelerator %s (%s), %d CPUs, "
                + "guest: Debian cloud kernel + busybox initramfs + qcow2 overlay, refill delay %s s, templates: %s",
                host.accelerator().toUpperCase(Locale.ROOT), host.acceleratorReason(),
                Runtime.getRuntime().availableProcessors(), EmbeddedTarget.number(refillDelaySeconds),
                templates.stream().map(t -> t.name() + " (" + t.memoryMiB() + " MiB, 1 vCPU)").collect(Collectors.joining(", ")));
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public double timeScale() {
        return 1;
    }

    /** Stops the engine, then every guest of this bench, and removes its state directory. */
    @Override
    public void close() {
        super.close();
        host.listQubes().stream().filter(q -> q.isDispVm() && q.state().isActive()).map(QubeInfo::name)
                .forEach(host::kill);
        host.close();
        try (Stream<Path> all = Files.walk(stateDir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the QEMU bench's state directory " + stateDir, e);
        }
    }
}
