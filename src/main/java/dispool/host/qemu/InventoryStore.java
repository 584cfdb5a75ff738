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
 */
final class InventoryStore {

    /** The file's content (Jackson fields). */
    static final class Snapshot {
        public Map<String, String> globals = new LinkedHashMap<>();
        public List<QemuQube> qubes = new ArrayList<>();
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path file;

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

    void write(Map<String, String> globals, Iterable<QemuQube> qubes) {
        Snapshot s = new Snapshot();
        s.globals.putAll(globals);
        qubes.forEach(s.qubes::add);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), s);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the QEMU host's inventory " + file + ": " + e.getMessage(), e);
        }
    }
}
