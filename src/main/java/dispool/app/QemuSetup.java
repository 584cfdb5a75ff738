package dispool.app;

import dispool.host.qemu.QemuHost;
import dispool.host.qemu.QemuSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jboss.logging.Logger;

/** Builds the QEMU host from {@code dispool.qemu.*}. */
public final class QemuSetup {

    private QemuSetup() {
    }

    private static final Logger LOG = Logger.getLogger(QemuSetup.class);
    static final Path BUILD_SCRIPT = Path.of("deploy", "qemu", "build-guest.sh");

    public static QemuHost host(DispoolConfig.Qemu c) {
        buildGuestIfMissing(Path.of(c.guestDir()));
        return QemuHost.open(settings(c));
    }

    /**
     * Started from a checkout (the README's way), a missing guest is built on the spot by the
     * project's script (Debian packages only; a minute at most); elsewhere the error of
     * {@link #guestFile} says what to run.
     */
    private static void buildGuestIfMissing(Path guestDir) {
        if (Files.exists(guestDir.resolve("guest.properties")) || !Files.exists(BUILD_SCRIPT)) {
            return;
        }
        LOG.infof("no QEMU guest in %s: building it with %s", guestDir, BUILD_SCRIPT);
        try {
            Process p = new ProcessBuilder("bash", BUILD_SCRIPT.toString(), guestDir.toString()).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(BUILD_SCRIPT + " failed (exit status " + p.exitValue() + "), see its output above");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + BUILD_SCRIPT + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the QEMU guest", e);
        }
    }

    static QemuSettings settings(DispoolConfig.Qemu c) {
        Path guest = Path.of(c.guestDir());
        List<QemuSettings.Template> templates = c.templates().entrySet().stream().map(e -> {
            DispoolConfig.QemuTemplate t = e.getValue();
            return new QemuSettings.Template(e.getKey(), t.template(), guestFile(guest, t.kernel()),
                    guestFile(guest, t.initramfs()), t.disk().map(d -> guestFile(guest, d)), t.memoryMib(), t.vcpus(),
                    t.features());
        }).toList();
        return new QemuSettings(Path.of(c.stateDir()), c.binary(), c.qemuImg(), c.accelerator(), c.memoryBudgetMib(),
                c.killGrace(), c.callTimeout(), templates, c.dom0Features(), c.defaultDispvm());
    }

    /** A guest file; missing, the error says how to build the guest. */
    private static Path guestFile(Path guestDir, String name) {
        Path f = guestDir.resolve(name);
        if (!Files.isReadable(f)) {
            throw new IllegalStateException("QEMU guest file " + f + " missing: build the guest with "
                    + "deploy/qemu/build-guest.sh " + guestDir + " (or set dispool.qemu.guest-dir)");
        }
        return f;
    }
}
