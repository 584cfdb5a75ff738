package dispool.pool;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Writes one pool's list feature without holding a lock across the host calls: a writer takes
 * every change made so far and writes the list as it is then; callers whose change it covers wait
 * for it instead of writing again. So the last write is always the newest list, concurrent
 * changes cost one host write, and a caller returns only once its change is on the host (a
 * preload handed out while starting must be off the list before its caller gets it).
 */
final class ListWriter {

    private final Object lock = new Object();
    private long changes;
    private long written;
    private boolean writing;

    /** Records a change and returns once a write that includes it is done (or failed and was reported). */
    void write(Supplier<String> current, Consumer<String> hostWrite) {
        long mine;
        synchronized (lock) {
            mine = ++changes;
        }
        while (true) {
            long covers;
            synchronized (lock) {
                while (writing && written < mine) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (written >= mine) {
                    return;
                }
                writing = true;
                covers = changes;
            }
            try {
                hostWrite.accept(current.get());
            } finally {
                synchronized (lock) {
                    writing = false;
                    written = Math.max(written, covers);
                    lock.notifyAll();
                }
            }
        }
    }
}
