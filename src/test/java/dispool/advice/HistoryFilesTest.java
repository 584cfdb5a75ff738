package dispool.advice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** The hand-out history says who used which template when: its files are the owner's only, rotated ones too. */
class HistoryFilesTest {

    @Test
    void historyFilesAreCreatedForTheOwnerOnlyAndStaySoWhenRotated() throws IOException {
        Path file = Files.createTempDirectory("history").resolve("history.jsonl");
        HistoryStore store = HistoryStore.open(file, 4096, 1000);
        try {
            for (int i = 0; i < 200; i++) {
                store.add(new HistoryEntry(i, "web-dvm", HistoryEntry.Kind.HAND_OUT, HistoryEntry.READY, 12.5, 1));
            }
        } finally {
            store.close();
        }
        assertTrue(Files.exists(HistoryStore.rotated(file)), "the test wrote enough to rotate once");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(HistoryStore.rotated(file))));
    }
}
