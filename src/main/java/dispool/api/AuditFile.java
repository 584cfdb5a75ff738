package dispool.api;

import dispool.files.OwnerOnlyFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jboss.logging.Logger;

/**
 * One audit file, a JSON line per entry, rotated by size ({@code audit.log} becomes
 * {@code audit.log.1}, … up to {@code keep} copies), every file the owner's only (0600). A write
 * the disk refuses is logged once and never fails the call being audited.
 */
final class AuditFile {

    private static final Logger LOG = Logger.getLogger(AuditFile.class);

    private final Path file;
    private final long maxBytes;
    private final int keep;
    private BufferedWriter out;
    private long size;
    private boolean failed;

    AuditFile(Path file, long maxBytes, int keep) {
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
    }

    /** The file and its rotated copies, if an older dispool left them readable by others, become the owner's only. */
    synchronized void narrowExisting() {
        try {
            OwnerOnlyFiles.narrow(file);
            for (int i = 1; i <= keep; i++) {
                OwnerOnlyFiles.narrow(copy(i));
            }
        } catch (IOException e) {
            LOG.errorf("audit file %s: cannot make it the owner's only (mode 0600): %s", file, e.getMessage());
        }
    }

    synchronized void write(String line) {
        long bytes = utf8Length(line) + 1;
        try {
            if (out == null) {
                open();
            }
            if (size > 0 && size + bytes > maxBytes) {
                rotate();
            }
            out.write(line);
            out.write('\n');
            out.flush();
            size += bytes;
            failed = false;
        } catch (IOException e) {
            if (!failed) {
                LOG.errorf("audit file %s: writing failed (%s); check that its directory is writable and has space",
                        file, e.getMessage());
            }
            failed = true;
            out = null;
        }
    }

    synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.warnf("audit file %s: closing failed: %s", file, e.getMessage());
            }
            out = null;
        }
    }

    /**
     * The bytes the file's UTF-8 writer puts out for {@code s}, counted rather than encoded a second
     * time: a surrogate pair is 4 bytes, a lone surrogate the encoder's 1-byte replacement.
     */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += Character.isSurrogate(c) ? 1 : 3;
            }
        }
        return n;
    }

    private void open() throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        out = OwnerOnlyFiles.open(file, false);
        size = Files.size(file);
    }

    private void rotate() throws IOException {
        out.close();
        for (int i = keep - 1; i >= 1; i--) {
            Path older = copy(i);
            if (Files.exists(older)) {
                Files.move(older, copy(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (keep > 0) {
            Files.move(file, copy(1), StandardCopyOption.REPLACE_EXISTING);
        }
        out = OwnerOnlyFiles.open(file, true);
        size = 0;
    }

    private Path copy(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }
}
