package dispool.chaos;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The process's own figures at one simulated hour of a soak: resident memory, heap after a full
 * collection, live threads, open file descriptors, the engine's timer queue, and the pools'
 * preloads (ready or starting) against their max.
 */
public record ProcessSample(int hour, long rssKiB, long heapAfterGcKiB, int threads, int fds, int timersQueued,
        int preloads, int maxSum) {

    /** Reads them now; the full collection makes the heap figure what is still referenced. */
    static ProcessSample now(int hour, int timersQueued, int preloads, int maxSum) {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
        return new ProcessSample(hour, readRssKiB(), heap, ManagementFactory.getThreadMXBean().getThreadCount(), openFds(),
                timersQueued, preloads, maxSum);
    }

    /** VmRSS of /proc/self/status; -1 where there is no /proc. */
    private static long readRssKiB() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Entries of /proc/self/fd; -1 where there is no /proc. */
    private static int openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            return -1;
        }
    }
}
