package dispool.host.qemu;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The volumes of a QEMU guest, in Qubes' terms: {@code root} is the guest image (kernel and
 * initramfs, shared read-only by every disposable of the template: the TemplateVM's root);
 * {@code private} is the DVM template's disk, of which each disposable gets a copy-on-write
 * qcow2 overlay. Outdatedness compares modification times: a disposable's snapshot is outdated
 * when its source was written after the disposable started.
 */
final class Volumes {

    private static final int QCOW2_MAGIC = 0x514649fb;

    private Volumes() {
    }

    /** The size a guest sees: a qcow2 image's virtual size (from its header), a raw image's length. */
    static long diskSize(Path disk) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "r")) {
            if (f.length() >= 32 && f.readInt() == QCOW2_MAGIC) {
                f.seek(24);
                return f.readLong();
            }
            return f.length();
        }
    }

    static boolean isQcow2(Path disk) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "r")) {
            return f.length() >= 4 && f.readInt() == QCOW2_MAGIC;
        }
    }

    /** Latest modification time (ms) of the given files. */
    static long modified(List<Path> files) throws IOException {
        long latest = 0;
        for (Path f : files) {
            latest = Math.max(latest, Files.getLastModifiedTime(f).toMillis());
        }
        return latest;
    }

    /** Marks files as written now (what rebuilding a guest or writing a template's disk does to them). */
    static void touch(List<Path> files) throws IOException {
        long now = Math.max(System.currentTimeMillis(), modified(files) + 1);
        for (Path f : files) {
            Files.setLastModifiedTime(f, FileTime.fromMillis(now));
        }
    }

    /** {@code qemu-img create -f qcow2 -b base -F fmt overlay}: a copy-on-write overlay of the template's disk. */
    static void createOverlay(String qemuImg, Path base, Path overlay) throws IOException {
        List<String> argv = List.of(qemuImg, "create", "-q", "-f", "qcow2", "-b", base.toAbsolutePath().toString(),
                "-F", isQcow2(base) ? "qcow2" : "raw", overlay.toString());
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("qemu-img could not create the overlay " + overlay + " of " + base + ": "
                        + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating the overlay " + overlay);
        }
    }
}
