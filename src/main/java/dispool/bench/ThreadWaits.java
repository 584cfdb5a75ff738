package dispool.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A process's threads by kind, with the CPU time each kind ran and the time it waited, runnable, for a core
 * (/proc/PID/task/TID/schedstat: on-CPU ns, run-queue ns). A thread that waits on a queue or a socket costs
 * nothing while parked; woken, it waits for a core when every core is busy: the wait each hand-off of a
 * request (caller to event loop, event loop to worker and back, back to the caller) adds on a busy machine.
 */
final class ThreadWaits {

    /** On-CPU and runnable-but-waiting ns of one kind of thread. */
    record Times(long cpu, long waited) {
        Times minus(Times before) {
            return new Times(cpu - before.cpu, waited - before.waited);
        }
    }

    private ThreadWaits() {
    }

    /** Thread name prefixes as /proc's comm has them (15 characters), with their kind; the first that matches. */
    private static final List<Map.Entry<String, String>> KINDS = List.of(Map.entry("vert.x-eventloo", "event loops"),
            Map.entry("dispool-worker", "engine workers"), Map.entry("C1 CompilerThre", "JIT"), Map.entry("C2 CompilerThre", "JIT"),
            Map.entry("sim-", "simulator"), Map.entry("executor-thread", "Quarkus workers"), Map.entry("GC Thread", "GC and VM"),
            Map.entry("VM Thread", "GC and VM"));

    /** The kind of a thread by its name as /proc's comm has it. */
    static String kind(String comm) {
        return KINDS.stream().filter(k -> comm.startsWith(k.getKey())).map(Map.Entry::getValue).findFirst().orElse("other");
    }

    /** Times so far by kind, of the threads alive now (an ended thread's time is gone with it). */
    static Map<String, Times> read(String pid) throws IOException {
        Map<String, Times> byKind = new LinkedHashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", pid, "task"))) {
            for (Path task : tasks) {
                try {
                    String[] f = Files.readString(task.resolve("schedstat")).trim().split(" ");
                    Times t = new Times(Long.parseLong(f[0]), Long.parseLong(f[1]));
                    byKind.merge(kind(Files.readString(task.resolve("comm")).strip()), t,
                            (a, b) -> new Times(a.cpu + b.cpu, a.waited + b.waited));
                } catch (NoSuchFileException ended) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return byKind;
    }

    /** Per pair, ms: each kind's CPU and its wait for a core between two reads. */
    static String perPair(Map<String, Times> before, Map<String, Times> after, int pairs) {
        return after.entrySet().stream().map(e -> {
            Times d = e.getValue().minus(before.getOrDefault(e.getKey(), new Times(0, 0)));
            return String.format(Locale.ROOT, "%s CPU %.3f waited %.3f", e.getKey(), d.cpu / 1e6 / pairs, d.waited / 1e6 / pairs);
        }).collect(Collectors.joining(", "));
    }
}
