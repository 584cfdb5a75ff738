package dispool.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

    /** The kind of a thread by its name as /proc's comm has it (15 characters). */
    static String kind(String comm) {
        if (comm.startsWith("vert.x-eventloo")) {
            return "event loops";
        }
        if (comm.startsWith("dispool-worker")) {
            return "engine workers";
        }
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            return "JIT";
        }
        if (comm.startsWith("sim-")) {
            return "simulator";
        }
        if (comm.startsWith("executor-thread")) {
            return "Quarkus workers";
        }
        if (comm.startsWith("GC Thread") || comm.equals("VM Thread")) {
            return "GC and VM";
        }
        return "other";
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
