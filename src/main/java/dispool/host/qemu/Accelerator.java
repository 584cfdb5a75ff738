package dispool.host.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Chooses QEMU's accelerator. {@code /dev/kvm} existing is not enough: under nested
 * virtualisation a Linux guest may hang at boot with KVM, so {@code auto} boots the guest once
 * under KVM and takes KVM only when its agent answers within the probe's time; TCG otherwise.
 * The answer is kept for the life of the process (one probe per QEMU binary).
 */
final class Accelerator {

    private static final Logger LOG = Logger.getLogger(Accelerator.class);
    /** A TCG boot takes 2–3 s on a 2-CPU machine; KVM takes well under one. */
    static final Duration PROBE = Duration.ofSeconds(4);
    private static final Map<String, String> CHOSEN = new ConcurrentHashMap<>();

    private Accelerator() {
    }

    /** {@code kvm} or {@code tcg}, with the reason, for the configured choice. */
    static Choice choose(String configured, String qemu, QemuVm.Guest guest, Path vmsDir) {
        return switch (configured) {
            case "kvm", "tcg" -> new Choice(configured, "configured (dispool.qemu.accelerator=" + configured + ")");
            case "auto" -> {
                String a = CHOSEN.computeIfAbsent(qemu, k -> probe(qemu, guest, vmsDir));
                yield new Choice(a, a.equals("kvm") ? "auto: a probe boot under KVM answered"
                        : Files.exists(Path.of("/dev/kvm")) ? "auto: /dev/kvm present but a probe boot under KVM did not "
                                + "answer within " + PROBE.toSeconds() + " s (nested virtualisation?)"
                                : "auto: no /dev/kvm");
            }
            default -> throw new IllegalArgumentException("dispool.qemu.accelerator '" + configured
                    + "' refused: must be auto, kvm or tcg");
        };
    }

    /** The accelerator and why it was chosen (said in the API, the logs and every figure). */
    record Choice(String name, String reason) {
    }

    private static String probe(String qemu, QemuVm.Guest guest, Path vmsDir) {
        Path kvm = Path.of("/dev/kvm");
        if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
            return "tcg";
        }
        Path dir = vmsDir.resolve("accel-probe");
        QemuVm vm = null;
        try {
            Files.createDirectories(dir);
            vm = QemuVm.launch(qemu, "kvm", "accel-probe", dir, new QemuVm.Guest(guest.kernel(), guest.initramfs(),
                    Optional.empty(), guest.memoryMiB(), 1), PROBE, e -> { });
            return vm.agent().awaitReady(PROBE) ? "kvm" : "tcg";
        } catch (IOException e) {
            LOG.infof("KVM probe failed, using TCG: %s", e.getMessage());
            return "tcg";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "tcg";
        } finally {
            if (vm != null) {
                vm.kill(Duration.ofSeconds(2));
            }
            GuestDirs.delete(dir);
        }
    }
}
