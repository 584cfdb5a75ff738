package dispool.host.qemu;

import dispool.host.VolumeInfo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    /** A qube's volume ({@code root} or {@code private}) as it is now; a snapshot of 0: not started, never outdated. */
    static Optional<VolumeInfo> info(String volume, Map<String, String> props, long rootSnapshot, long privateSnapshot)
            throws IOException {
        return switch (volume) {
            case "root" -> {
                List<Path> files = rootFiles(props);
                long size = 0;
                for (Path f : files) {
                    size += Files.size(f);
                }
                yield Optional.of(new VolumeInfo(size, rootSnapshot > 0 && modified(files) > rootSnapshot));
            }
            case "private" -> Optional.of(privateVolume(props, privateSnapshot));
            default -> Optional.empty();
        };
    }

    /** Without a disk, a template's private volume is empty and never outdated. */
    private static VolumeInfo privateVolume(Map<String, String> props, long snapshot) throws IOException {
        String disk = props.getOrDefault("disk", "");
        if (disk.isEmpty()) {
            return new VolumeInfo(0, false);
        }
        Path base = Path.of(disk);
        return new VolumeInfo(diskSize(base), snapshot > 0 && modified(List.of(base)) > snapshot);
    }

    /** The guest image a qube boots (kernel, initramfs); none for a qube without a kernel. */
    static List<Path> rootFiles(Map<String, String> props) {
        String kernel = props.getOrDefault("kernel", "");
        return kernel.isEmpty() ? List.of() : List.of(Path.of(kernel), Path.of(props.get("initramfs")));
    }

    /** What an update of a template rewrites: a TemplateVM's guest image, a DVM template's disk (if any). */
    static List<Path> ofTemplate(String klass, Map<String, String> props) {
        String disk = props.getOrDefault("disk", "");
        return "TemplateVM".equals(klass) ? rootFiles(props) : disk.isEmpty() ? List.of() : List.of(Path.of(disk));
    }
}
