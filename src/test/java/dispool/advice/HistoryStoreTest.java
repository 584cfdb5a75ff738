package dispool.advice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryStoreTest {

    @TempDir
    Path dir;

    @Test
    void aReopenedStoreHasWhatTheLastRunRecorded() throws IOException {
        Path file = dir.resolve("state/history.jsonl");
        HistoryStore first = HistoryStore.open(file, 1 << 20, 100);
        first.add(HistoryEntry.handOut(1_000, "default-dvm", HistoryEntry.READY, 12.5));
        first.add(HistoryEntry.held(1_001, "default-dvm", 3));
        first.add(HistoryEntry.refill(1_002, "web-dvm", 7_100));
        first.close();

        HistoryStore second = HistoryStore.open(file, 1 << 20, 100);
        assertEquals(java.util.List.of(HistoryEntry.handOut(1_000, "default-dvm", HistoryEntry.READY, 12.5),
                HistoryEntry.held(1_001, "default-dvm", 3)), second.entries("default-dvm"));
        assertEquals(java.util.Set.of("default-dvm", "web-dvm"), second.templates());
        second.close();
    }

    @Test
    void memoryKeepsTheNewestEntriesPerTemplate() {
        HistoryStore s = HistoryStore.inMemory(3);
        for (int i = 0; i < 10; i++) {
            s.add(HistoryEntry.handOut(i, "a", HistoryEntry.COLD, i));
        }
        s.add(HistoryEntry.handOut(99, "b", HistoryEntry.COLD, 1));
        assertEquals(java.util.List.of(7L, 8L, 9L), s.entries("a").stream().map(HistoryEntry::at).toList());
        assertEquals(1, s.entries("b").size());
    }

    @Test
    void theFilesStayUnderTheirBoundAndKeepTheNewestLines() throws IOException {
        Path file = dir.resolve("history.jsonl");
        long bound = 8192;
        HistoryStore s = HistoryStore.open(file, bound, 100_000);
        for (int i = 0; i < 2_000; i++) {
            s.add(HistoryEntry.handOut(i, "default-dvm", HistoryEntry.READY, 10));
            long onDisk = Files.size(file) + (Files.exists(HistoryStore.rotated(file)) ? Files.size(HistoryStore.rotated(file)) : 0);
            assertTrue(onDisk <= bound, "history files hold " + onDisk + " bytes, bound " + bound);
        }
        s.close();
        HistoryStore reopened = HistoryStore.open(file, bound, 100_000);
        java.util.List<HistoryEntry> kept = reopened.entries("default-dvm");
        assertEquals(1_999, kept.get(kept.size() - 1).at());
        assertTrue(kept.size() > 50 && kept.size() < 2_000, "kept " + kept.size() + " lines");
        reopened.close();
    }

    @Test
    void aLineCutByACrashIsSkippedAndTheRestLoads() throws IOException {
        Path file = dir.resolve("history.jsonl");
        Files.writeString(file, "{\"at\":5,\"template\":\"a\",\"kind\":\"HAND_OUT\",\"path\":\"cold\",\"ms\":7000.0,\"held\":0}\n"
                + "{\"at\":6,\"templ\n", StandardCharsets.UTF_8);
        HistoryStore s = HistoryStore.open(file, 1 << 20, 100);
        assertEquals(1, s.entries("a").size());
        s.add(HistoryEntry.handOut(7, "a", HistoryEntry.READY, 1));
        s.close();
        Files.writeString(file, "", StandardOpenOption.APPEND);
        assertEquals(2, HistoryStore.open(file, 1 << 20, 100).entries("a").size());
    }
}
