package dispool.host.qemu;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The inventory file of the state directory ({@code inventory.json}): global properties and every
 * qube. Written whole after each change, through a temporary file and an atomic rename, so a crash
 * leaves either the old or the new inventory, never half of one.
 *
 * <p>The host encodes a change under its lock ({@link #encode}: no I/O) and writes it after
 * releasing the lock ({@link #write}), so no host call waits for a disk. Writes are one at a
 * time, and one never replaces a newer one: the encodings are numbered in the order of the
 * changes.
 */
final class InventoryStore {

    /** The file's content (Jackson fields). */
    static final class Snapshot {
        public Map<String, String> globals = new LinkedHashMap<>();
        public List<QemuQube> qubes = new ArrayList<>();
    }

    /** One state of the inventory, numbered in the order of the changes. */
    record Version(long serial, byte[] json) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path file;
    /** Guarded by the host's lock (the caller of {@link #encode}). */
    private long encoded;
    /** Guarded by {@code this}. */
    private long written;

    InventoryStore(Path stateDir) {
        this.file = stateDir.resolve("inventory.json");
    }

    Optional<Snapshot> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), Snapshot.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the QEMU host's inventory " + file + ": " + e.getMessage()
                    + " (move it away to start with the configured templates only)", e);
        }
    }

    /** The inventory now, in memory; called under the host's lock. */
    Version encode(Map<String, String> globals, Iterable<QemuQube> qubes) {
        Snapshot s = new Snapshot();
        s.globals.putAll(globals);
        qubes.forEach(s.qubes::add);
        try {
            return new Version(++encoded, JSON.writeValueAsBytes(s));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the QEMU host's inventory: " + e.getMessage(), e);
        }
    }

    /** Writes {@code v} unless a newer version is on disk already; called with no host lock held. */
    synchronized void write(Version v) {
        if (v.serial() <= written) {
            return;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.write(tmp, v.json());
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            written = v.serial();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the QEMU host's inventory " + file + ": " + e.getMessage(), e);
        }
    }
}
