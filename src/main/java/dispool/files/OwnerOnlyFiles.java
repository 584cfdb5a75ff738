package dispool.files;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files only their owner may read or write (mode 0600), whatever the umask: the audit trail and
 * the hand-out history say who used which qube when. A file an older dispool created with the
 * umask's mode is narrowed when it is opened again.
 */
public final class OwnerOnlyFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private OwnerOnlyFiles() {
    }

    /** Narrows {@code file} to 0600 if it exists (one an older dispool made with the umask's mode). */
    public static void narrow(Path file) throws IOException {
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }

    /** Opens {@code file} to append to it ({@code truncate}: from empty), created or narrowed to 0600 first. */
    public static BufferedWriter open(Path file, boolean truncate) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
        return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.WRITE,
                truncate ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND);
    }
}
