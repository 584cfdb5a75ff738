package dispool.host.qubesd;

import dispool.host.QubesHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.OptionalLong;

/**
 * qmemman's available-memory file in dom0 ({@code /var/run/qubes/qmemman-avail-mem}, R4.3 ≥
 * v4.3.29): one signed decimal number of bytes, no newline, may be negative, replaced atomically
 * (written to {@code .tmp}, then renamed) at the end of each balancing pass that moved memory,
 * so it can be stale between passes.
 *
 * <p>The directory is watched, not the file: the figure is read at start, then again whenever
 * the watch reports the file created, replaced or deleted; no polling loop. While the file does
 * not exist (qmemman has not written it yet after boot, or it was removed) the fallback source
 * answers (a budget, or no figure); once it appears it is used. A file that cannot be read or
 * parsed gives no figure (with a warning naming the file and what was in it) until the next
 * replacement.
 */
public final class QmemmanFile implements MemorySource, AutoCloseable {

    public static final String DEFAULT_PATH = "/var/run/qubes/qmemman-avail-mem";
    private static final System.Logger LOG = System.getLogger(QmemmanFile.class.getName());

    /** What the file said at the last read: absent, or a figure (empty when unreadable). */
    private record Reading(boolean present, OptionalLong figure) {
    }

    private final Path file;
    private final MemorySource fallback;
    private final QmemmanBalloon balloon;
    private final WatchService watch;
    private volatile Reading reading;

    private QmemmanFile(Path file, MemorySource fallback) throws IOException {
        this.balloon = new QmemmanBalloon(file.resolveSibling("qmemman.sock")); // qmemmand's socket sits beside its file
        this.file = file;
        this.fallback = fallback;
        this.watch = file.getFileSystem().newWatchService();
        file.toAbsolutePath().getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        this.reading = read(file);
        Thread t = new Thread(this::watchLoop, "qmemman-watch");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Watches {@code file}'s directory; {@code fallback} answers while the file is absent. Null
     * when the directory itself does not exist (not a dom0 with qmemman): use the fallback.
     */
    public static QmemmanFile watch(Path file, MemorySource fallback) throws IOException {
        return Files.isDirectory(file.toAbsolutePath().getParent()) ? new QmemmanFile(file, fallback) : null;
    }

    @Override
    public OptionalLong available(QubesHost host) {
        Reading r = reading;
        return r.present() ? r.figure() : fallback.available(host);
    }

    @Override
    public void beforePause(QubesHost host, String qube) {
        balloon.shrink(host, qube);
    }

    @Override
    public String describe() {
        return reading.present() ? "qmemman " + file : "qmemman " + file + " (not there yet; meanwhile " + fallback.describe() + ")";
    }

    private void watchLoop() {
        try {
            while (true) {
                WatchKey key = watch.take();
                // OVERFLOW: events were lost, so the file may have changed too.
                boolean ours = key.pollEvents().stream().anyMatch(e -> e.kind() == StandardWatchEventKinds.OVERFLOW
                        || file.getFileName().equals(e.context()));
                key.reset();
                if (ours) {
                    reading = read(file);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Reading read(Path path) {
        String text = "";
        try {
            text = Files.readString(path, StandardCharsets.US_ASCII).trim();
            return new Reading(true, OptionalLong.of(Long.parseLong(text)));
        } catch (NoSuchFileException e) {
            LOG.log(System.Logger.Level.WARNING, path + " is not there: until qmemman writes it, memory comes from "
                    + fallback.describe());
            return new Reading(false, OptionalLong.empty());
        } catch (IOException | NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING, path + " holds '" + text + "', not a number of bytes ("
                    + e.getMessage() + "): no available-memory figure until qmemman rewrites it");
            return new Reading(true, OptionalLong.empty());
        }
    }

    @Override
    public void close() throws IOException {
        watch.close();
    }
}
