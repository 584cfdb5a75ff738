package dispool.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The bearer token of the TCP listener, kept in a file only its owner may read. The first start
 * creates the file (mode 0600, directories 0700) with 32 random bytes; later starts read it, so
 * clients keep working across restarts. The token itself is never logged, only the file's path.
 */
public final class ApiToken {

    private static final Logger LOG = Logger.getLogger(ApiToken.class);
    private static final int RANDOM_BYTES = 32;

    private final Path file;
    private final byte[] token;

    private ApiToken(Path file, byte[] token) {
        this.file = file;
        this.token = token;
    }

    /** Reads the token from {@code file}, creating the file with a new random token if it is missing. */
    public static ApiToken load(Path file) {
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            warnIfOthersMayRead(file);
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (text.isEmpty()) {
                throw new IllegalStateException("the API token file " + file + " is empty: delete it and restart dispool "
                        + "to have a new token made, or write one (one line, no spaces) into it");
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

    private static void warnIfOthersMayRead(Path file) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
            LOG.warnf("the API token file %s is readable by others (%s): run chmod 600 on it", file,
                    PosixFilePermissions.toString(perms));
        }
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
