package dispool.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every measured hand-out of a {@link RestLoad} run, as the caller saw it: when its request was sent
 * and its answer read ({@link System#nanoTime()}, the machine's monotonic clock on Linux, which the
 * service's {@code dispool.HandOutStages} JFR events stamp too) and the disposable it got. A line
 * each, {@code SENT_NANOS RECEIVED_NANOS NAME}: the join key of the tail's decomposition
 * (docs/benchmarks/2026-12-09-rest-tail/stages.py).
 */
final class RestLoadTrace {

    private record HandOut(long sent, long received, String name) {
    }

    private final Queue<HandOut> handOuts = new ConcurrentLinkedQueue<>();

    void add(long sent, long received, String name) {
        handOuts.add(new HandOut(sent, received, name));
    }

    int size() {
        return handOuts.size();
    }

    void write(Path file) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
            for (HandOut h : handOuts) {
                out.println(h.sent() + " " + h.received() + " " + h.name());
            }
        }
    }
}
