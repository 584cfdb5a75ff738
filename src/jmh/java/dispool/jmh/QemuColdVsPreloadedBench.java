package dispool.jmh;

import dispool.host.ServiceResult;
import dispool.host.qemu.QemuHost;
import dispool.host.qemu.QemuSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cold against preloaded start of a real QEMU micro-VM (the QEMU host, no engine), one shot per
 * iteration. The guest is the one of deploy/qemu/build-guest.sh in {@code -Ddispool.qemu.guest-dir}
 * (default ~/.cache/dispool/guest); the accelerator (KVM when a probe boot answers, else TCG) is
 * printed at setup and must go with every figure.
 *
 * <p><b>{@code cold}, timed:</b> create the disposable (a qcow2 overlay of the template's disk),
 * launch QEMU, wait for {@code qubes.WaitForRunningSystem} (the agent's first answer), run the
 * first command ({@code qubes.VMExec+uname+--r}). <b>{@code preloaded}, timed:</b> unpause a guest
 * that was booted to readiness and paused (QMP {@code cont} and one agent round trip, the QEMU
 * host's unpause), then the same first command. <b>Not timed:</b> the preload's boot and pause
 * before each shot, and killing the guest after it.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 6)
@Fork(1)
public class QemuColdVsPreloadedBench {

    static final String DVM = "bench-dvm";
    static final String FIRST_COMMAND = "qubes.VMExec+uname+--r";
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** A QEMU host of its own on a temporary state directory, removed after the trial. */
    @State(Scope.Benchmark)
    public static class Host {
        QemuHost host;
        Path stateDir;
        String vm;

        @Setup(Level.Trial)
        public void open() throws IOException {
            Path guest = Path.of(System.getProperty("dispool.qemu.guest-dir",
                    System.getProperty("user.home") + "/.cache/dispool/guest"));
            stateDir = Files.createTempDirectory("dispool-jmh-qemu-");
            QemuSettings.Template t = new QemuSettings.Template(DVM, "debian-guest", guest.resolve("vmlinuz"),
                    guest.resolve("initramfs.img"), Optional.of(guest.resolve("disk.qcow2")), 192, 1, Map.of());
            host = QemuHost.open(new QemuSettings(stateDir, "qemu-system-x86_64", "qemu-img", "auto", OptionalLong.empty(),
                    Duration.ofSeconds(5), TIMEOUT, List.of(t), Map.of(), Optional.of(DVM)));
            System.out.println("\nQEMU accelerator: " + host.accelerator().toUpperCase() + " (" + host.acceleratorReason() + ")");
        }

        @TearDown(Level.Iteration)
        public void killGuest() {
            if (vm != null) {
                host.kill(vm);
                vm = null;
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            host.close();
            try (Stream<Path> all = Files.walk(stateDir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }

        String boot() {
            String name = host.createDisposable(DVM, Map.of());
            host.start(name);
            requireOk(host.runService(name, "qubes.WaitForRunningSystem", TIMEOUT));
            return name;
        }
    }

    /** A guest booted to readiness and paused before each shot, untimed. */
    @State(Scope.Benchmark)
    public static class Preload {
        @Setup(Level.Iteration)
        public void preload(Host h) {
            h.vm = h.boot();
            h.host.pause(h.vm);
        }
    }

    @Benchmark
    public ServiceResult cold(Host h) {
        h.vm = h.boot();
        return requireOk(h.host.runService(h.vm, FIRST_COMMAND, TIMEOUT));
    }

    @Benchmark
    public ServiceResult preloaded(Host h, Preload p) {
        h.host.unpause(h.vm);
        return requireOk(h.host.runService(h.vm, FIRST_COMMAND, TIMEOUT));
    }

    private static ServiceResult requireOk(ServiceResult r) {
        if (!r.succeeded()) {
            throw new IllegalStateException("guest command failed: exit " + r.exitStatus() + ": " + r.stderr());
        }
        return r;
    }
}
