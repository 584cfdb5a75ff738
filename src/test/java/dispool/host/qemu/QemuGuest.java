package dispool.host.qemu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The guest for QEMU tests, built once per machine by deploy/qemu/build-guest.sh into
 * target/qemu-guest (as root it also installs QEMU from Debian's registry), or one built
 * elsewhere, named by the system property {@value #GUEST_DIR} (a guest to compare, used as it is).
 * Tests skip, saying why, where QEMU or the guest cannot be had.
 */
final class QemuGuest {

    static final String GUEST_DIR = "dispool.qemu.guest-dir";
    static final Path DIR = Optional.ofNullable(System.getProperty(GUEST_DIR)).filter(d -> !d.isBlank())
            .map(d -> Path.of(d).toAbsolutePath()).orElse(Path.of("target", "qemu-guest").toAbsolutePath());
    private static String failure;
    private static boolean built;

    private QemuGuest() {
    }

    /** Builds the guest if needed; skips the calling test when that is impossible here. */
    static synchronized Path require() {
        if (!built && failure == null) {
            failure = build();
            built = failure == null;
        }
        assumeTrue(built, () -> "QEMU tests skipped: " + failure);
        return DIR;
    }

    private static String build() {
        if (System.getProperty(GUEST_DIR) != null) {
            return Files.isRegularFile(DIR.resolve("vmlinuz")) && Files.isRegularFile(DIR.resolve("initramfs.img")) ? null
                    : GUEST_DIR + "=" + DIR + " holds no built guest (vmlinuz, initramfs.img): build one there with "
                    + "deploy/qemu/build-guest.sh " + DIR;
        }
        try {
            Process p = new ProcessBuilder("bash", "deploy/qemu/build-guest.sh", DIR.toString()).redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                return "deploy/qemu/build-guest.sh failed (needs qemu-system-x86, qemu-utils, cpio and Debian's package "
                        + "lists; as root it installs them): " + out.strip();
            }
            return Files.exists(Path.of("/usr/bin/qemu-system-x86_64")) || onPath("qemu-system-x86_64") ? null
                    : "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)";
        } catch (IOException e) {
            return "cannot run deploy/qemu/build-guest.sh: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while building the guest";
        }
    }

    private static boolean onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    /** A private copy of the guest image in {@code dir}, for tests that "update" it (move its modification time). */
    static Path copyTo(Path dir) throws IOException {
        Path guest = require();
        Files.createDirectories(dir);
        for (String f : List.of("vmlinuz", "initramfs.img", "disk.qcow2")) {
            Files.copy(guest.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }

    /** A host in {@code stateDir} with one DVM template, {@code dvm} (192 MiB, a disk), on the test guest. */
    static QemuHost openOneTemplate(Path stateDir) {
        return QemuHost.open(settings(stateDir, OptionalLong.empty(), Map.of(),
                template(require(), "dvm", "tpl", 192, true, Map.of())));
    }

    /** A disposable of {@code dvm} booted until its agent answers; its name. */
    static String bootReady(QemuHost host, Duration timeout) {
        String name = host.createDisposable("dvm", Map.of());
        host.start(name);
        assertTrue(host.runService(name, "qubes.WaitForRunningSystem", timeout).succeeded(), name + " never answered");
        return name;
    }

    /** A QEMU test's teardown: kills the host's running disposables (auto_cleanup removes them) and closes it. */
    static void stopAll(QemuHost host) {
        if (host != null) {
            host.listQubes().stream().filter(q -> q.isDispVm() && q.state().isActive()).forEach(q -> host.kill(q.name()));
            host.close();
        }
    }

    /** Settings for a host in {@code stateDir} with one DVM template on {@code guest}. */
    static QemuSettings settings(Path stateDir, Path guest, String dvm, String tpl, long memoryMiB, boolean disk,
            OptionalLong budgetMiB, Map<String, String> features, Map<String, String> dom0Features) {
        return settings(stateDir, budgetMiB, dom0Features, template(guest, dvm, tpl, memoryMiB, disk, features));
    }

    static QemuSettings.Template template(Path guest, String dvm, String tpl, long memoryMiB, boolean disk,
            Map<String, String> features) {
        return new QemuSettings.Template(dvm, tpl, guest.resolve("vmlinuz"), guest.resolve("initramfs.img"),
                disk ? Optional.of(guest.resolve("disk.qcow2")) : Optional.empty(), memoryMiB, 1, features);
    }

    /** The first template is the default_dispvm. */
    static QemuSettings settings(Path stateDir, OptionalLong budgetMiB, Map<String, String> dom0Features,
            QemuSettings.Template... templates) {
        return new QemuSettings(stateDir, "qemu-system-x86_64", "qemu-img", "auto", budgetMiB, Duration.ofSeconds(5),
                Duration.ofSeconds(30), List.of(templates), dom0Features, Optional.of(templates[0].name()));
    }
}
