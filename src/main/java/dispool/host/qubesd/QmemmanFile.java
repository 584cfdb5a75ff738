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
 * <p>The figure is read once, then again only when the directory watch reports the file was
 * replaced: no polling loop. A file that cannot be read or parsed gives no figure (with a
 * warning naming the file and what was in it) until the next replacement.
 */
public final class QmemmanFile implements MemorySource, AutoCloseable {

    public static final String DEFAULT_PATH = "/var/run/qubes/qmemman-avail-mem";
    private static final System.Logger LOG = System.getLogger(QmemmanFile.class.getName());

    private final Path file;
    private final WatchService watch;
    private volatile OptionalLong figure;

    private QmemmanFile(Path file) throws IOException {
        this.file = file;
        this.watch = file.getFileSystem().newWatchService();
        file.toAbsolutePath().getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY);
        this.figure = read(file);
        Thread t = new Thread(this::watchLoop, "qmemman-watch");
        t.setDaemon(true);
        t.start();
    }

    /** Watches {@code file} when it exists; null when it does not (then a budget is used). */
    public static QmemmanFile openIfPresent(Path file) throws IOException {
        return Files.isRegularFile(file) ? new QmemmanFile(file) : null;
    }

    @Override
    public OptionalLong available(QubesHost host) {
        return figure;
    }

    @Override
    public String describe() {
        return "qmemman " + file;
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
                    figure = read(file);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        }
    }

    static OptionalLong read(Path file) {
        String text = "";
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return OptionalLong.of(Long.parseLong(text));
        } catch (NoSuchFileException e) {
            LOG.log(System.Logger.Level.WARNING, file + " is gone: no available-memory figure until qmemman writes it again");
        } catch (IOException | NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING, file + " holds '" + text + "', not a number of bytes ("
                    + e.getMessage() + "): no available-memory figure until qmemman rewrites it");
        }
        return OptionalLong.empty();
    }

    @Override
    public void close() throws IOException {
        watch.close();
    }
}
