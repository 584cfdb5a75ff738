package dispool.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The bearer token of the TCP listener, kept in a file only its owner may read. The first start
 * creates the file (mode 0600, directories 0700) with 32 random bytes; later starts read it, so
 * clients keep working across restarts. The token itself is never logged, only the file's path.
 *
 * <p>A file someone else could have written or read is refused at start, naming the file and the
 * fix: a symbolic link (it could point anywhere the service may read), a file not owned by the
 * service's user, one the group or others may read or write, or a token shorter than
 * {@link #MIN_LENGTH} characters (guessable).
 */
public final class ApiToken {

    private static final Logger LOG = Logger.getLogger(ApiToken.class);
    private static final int RANDOM_BYTES = 32;
    /** The shortest token accepted: 32 characters of base64 carry 192 bits. */
    static final int MIN_LENGTH = 32;

    private final Path file;
    private final byte[] token;

    private ApiToken(Path file, byte[] token) {
        this.file = file;
        this.token = token;
    }

    /** Reads the token from {@code file}, creating the file with a new random token if it is missing. */
    public static ApiToken load(Path file) {
        try {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                create(file);
            }
            refuseUnsafe(file);
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (text.length() < MIN_LENGTH) {
                throw refused(file, (text.isEmpty() ? "is empty" : "holds a token of " + text.length() + " characters, fewer than "
                        + MIN_LENGTH), "delete it and restart dispool to have a new token made, or write one of at least "
                        + MIN_LENGTH + " characters (one line, no spaces) into it");
            }
            return new ApiToken(file, text.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the API token file " + file + " (setting "
                    + "dispool.api.token-file): " + e.getMessage(), e);
        }
    }

    private static void create(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        byte[] random = new byte[RANDOM_BYTES];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException raced) {
            return; // another process made it first: use theirs
        }
        Files.writeString(file, token + "\n", StandardCharsets.US_ASCII);
        LOG.infof("created the API token file %s (mode 0600)", file);
    }

    /** Refuses a token file that is a link, not the service user's, or open to group or others. */
    private static void refuseUnsafe(Path file) throws IOException {
        PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
            throw refused(file, "is a symbolic link (to " + Files.readSymbolicLink(file) + ")",
                    "replace it by the file itself, or point dispool.api.token-file at the real file");
        }
        String user = System.getProperty("user.name");
        if (!a.owner().getName().equals(user)) {
            throw refused(file, "is owned by " + a.owner().getName() + ", not by " + user + " who runs dispool",
                    "run chown " + user + " on it, or delete it and restart dispool to have a new one made");
        }
        Set<PosixFilePermission> open = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
        open.retainAll(a.permissions());
        if (!open.isEmpty()) {
            throw refused(file, "may be read or written by others (mode " + PosixFilePermissions.toString(a.permissions()) + ")",
                    "run chmod 600 on it");
        }
    }

    private static IllegalStateException refused(Path file, String what, String fix) {
        return new IllegalStateException("the API token file " + file + " (dispool.api.token-file) " + what
                + ": refused; " + fix);
    }

    /**
     * The token a client of a running service sends (contract 4 of the team brief): the file
     * named by the environment variable DISPOOL_TOKEN_FILE, else the service's default file;
     * empty when the file does not exist (a service reached through its Unix socket needs none).
     */
    public static Optional<String> forClients() {
        String named = System.getenv("DISPOOL_TOKEN_FILE");
        Path file = named != null && !named.isBlank() ? Path.of(named) : defaultFile();
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.US_ASCII).trim())
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the API token file " + file + " (DISPOOL_TOKEN_FILE): " + e.getMessage(), e);
        }
    }

    /** The service's default token file, ~/.config/dispool/api-token (as dispool.api.token-file). */
    public static Path defaultFile() {
        return Path.of(System.getProperty("user.home"), ".config", "dispool", "api-token");
    }

    public Path file() {
        return file;
    }

    /** Whether {@code presented} is the token, compared in constant time. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "API token in " + file;
    }
}
