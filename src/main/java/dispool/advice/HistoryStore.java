package dispool.advice;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dispool.files.OwnerOnlyFiles;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The hand-out history of every template, bounded in memory (the newest {@code maxEntries} lines
 * per template) and, when given a file, on disk as JSON lines: appended as they come, read back
 * at start. The file is bounded too: when it passes half of {@code maxFileBytes} it becomes
 * {@code <file>.1} (replacing the older one) and a new file starts, so the two never hold more
 * than {@code maxFileBytes} together and the newest half-budget is always kept. Both are the
 * owner's only (0600): they say who used which template when.
 *
 * <p>A disk that refuses a write costs the history its persistence, never the engine a hand-out:
 * the store keeps recording in memory and says what failed once.
 */
public final class HistoryStore {

    private static final System.Logger LOG = System.getLogger(HistoryStore.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private final Path file;
    private final long maxFileBytes;
    private final int maxEntries;
    private final Map<String, Deque<HistoryEntry>> byTemplate = new TreeMap<>();
    private BufferedWriter writer;
    private long fileBytes;
    private boolean writeFailed;
    private int skippedLines;

    private HistoryStore(Path file, long maxFileBytes, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("history max entries " + maxEntries + " refused: must be at least 1");
        }
        if (file != null && maxFileBytes < 4096) {
            throw new IllegalArgumentException("history max file bytes " + maxFileBytes + " refused: must be at least 4096");
        }
        this.file = file;
        this.maxFileBytes = maxFileBytes;
        this.maxEntries = maxEntries;
    }

    /** A history kept in memory only (lost at restart). */
    public static HistoryStore inMemory(int maxEntries) {
        return new HistoryStore(null, 0, maxEntries);
    }

    /** A history persisted in {@code file} (its directory is created), loaded from what earlier runs wrote. */
    public static HistoryStore open(Path file, long maxFileBytes, int maxEntries) throws IOException {
        HistoryStore s = new HistoryStore(file, maxFileBytes, maxEntries);
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        s.load(rotated(file));
        s.load(file);
        s.fileBytes = Files.exists(file) ? Files.size(file) : 0;
        s.writer = OwnerOnlyFiles.open(file, false);
        if (s.skippedLines > 0) {
            LOG.log(System.Logger.Level.WARNING, "history " + file + ": " + s.skippedLines
                    + " unreadable lines skipped (a line cut by a crash, or not dispool's)");
        }
        return s;
    }

    static Path rotated(Path file) {
        return file.resolveSibling(file.getFileName() + ".1");
    }

    public synchronized void add(HistoryEntry e) {
        keep(e);
        if (writer != null && !writeFailed) {
            append(e);
        }
    }

    /** The template's retained lines, oldest first. */
    public synchronized List<HistoryEntry> entries(String template) {
        Deque<HistoryEntry> d = byTemplate.get(template);
        return d == null ? List.of() : new ArrayList<>(d);
    }

    /** Templates with any history. */
    public synchronized Set<String> templates() {
        return Set.copyOf(byTemplate.keySet());
    }

    public synchronized void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "history " + file + ": closing failed: " + e.getMessage());
            }
            writer = null;
        }
    }

    private void keep(HistoryEntry e) {
        Deque<HistoryEntry> d = byTemplate.computeIfAbsent(e.template(), t -> new ArrayDeque<>());
        d.addLast(e);
        while (d.size() > maxEntries) {
            d.removeFirst();
        }
    }

    private void append(HistoryEntry e) {
        try {
            String line = JSON.writeValueAsString(e) + "\n";
            if (fileBytes + line.length() > maxFileBytes / 2) {
                rotate();
            }
            writer.write(line);
            writer.flush();
            fileBytes += line.length();
        } catch (IOException ex) {
            writeFailed = true;
            LOG.log(System.Logger.Level.WARNING, "history " + file + ": writing failed (" + ex.getMessage()
                    + "); the history is kept in memory only until restart. Check that dispool.history.dir "
                    + "is writable and has space.");
        }
    }

    private void rotate() throws IOException {
        writer.close();
        Files.move(file, rotated(file), StandardCopyOption.REPLACE_EXISTING);
        writer = OwnerOnlyFiles.open(file, true);
        fileBytes = 0;
    }

    private void load(Path f) throws IOException {
        if (!Files.exists(f)) {
            return;
        }
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                parse(line);
            }
        }
    }

    private void parse(String line) {
        if (line.isBlank()) {
            return;
        }
        try {
            HistoryEntry e = JSON.readValue(line, HistoryEntry.class);
            if (e.template() == null || e.kind() == null) {
                skippedLines++;
                return;
            }
            keep(e);
        } catch (JsonProcessingException ex) {
            skippedLines++;
        }
    }
}
