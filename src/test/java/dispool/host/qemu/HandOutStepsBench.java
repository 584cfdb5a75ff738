package dispool.host.qemu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.PowerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the milliseconds of one preloaded hand-out go on QEMU: QMP {@code cont} (sent → reply),
 * the first agent ping (sent → answer read by the agent's reader thread → the caller awake), and
 * a second ping at once (the same round trip on a guest already running); over the same span, the
 * CPU time the handed-out guest's QEMU ran and the time it waited for a CPU (its threads'
 * schedstat). A guest paused for no time (the floor's) or for seconds (a preload's); the ping
 * written before {@code cont} (the host's unpause) or after its reply; beside it nothing, a guest
 * booting, or a QEMU still in its own start. The conditions take turns, round after round, so the
 * machine's load falls on all alike. Prints a table and writes {@code target/handout-steps.csv}
 * (one row per hand-out).
 *
 * <pre>mvn -B -o test -Dbench.excluded=none -Dtest=HandOutStepsBench</pre> (about 4 min)
 */
@Tag("bench")
class HandOutStepsBench {

    static final int REPEATS = 10;
    static final Duration LONG_PAUSE = Duration.ofSeconds(2);
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;
    private QemuHost host;

    /**
     * One timed hand-out: ms from the first write; and over the same span, the CPU time the handed-out
     * guest's QEMU threads ran and the time they waited, runnable, for a CPU (/proc schedstat).
     */
    record Steps(String condition, double cont, double ping1Read, double ping1, double ping2, double cpu, double runQueue) {
    }

    @AfterEach
    void stop() {
        QemuGuest.stopAll(host);
    }

    /** What stands beside the hand-out: nothing, a guest booting (300 ms in), or a QEMU still in its own start. */
    enum Beside { IDLE, BOOTING, LAUNCHING }

    /**
     * One way of handing out: how long the guest was paused, what runs beside it, the ping sent
     * before cont.
     */
    record Condition(String name, Duration held, Beside beside, boolean pingFirst) {
    }

    static final List<Condition> CONDITIONS = List.of(
            new Condition("paused 0 s, idle", Duration.ZERO, Beside.IDLE, true),
            new Condition("paused 2 s, idle", LONG_PAUSE, Beside.IDLE, true),
            new Condition("paused 2 s, idle, ping after cont", LONG_PAUSE, Beside.IDLE, false),
            new Condition("paused 2 s, 1 booting", LONG_PAUSE, Beside.BOOTING, true),
            new Condition("paused 2 s, 1 launching", LONG_PAUSE, Beside.LAUNCHING, true));

    @Test
    void stepsOfAHandOut() throws Exception {
        host = QemuGuest.openOneTemplate(tmp.resolve("state"));
        String a = QemuGuest.bootReady(host, TIMEOUT);
        double loadAtStart = load();
        List<Steps> all = new ArrayList<>();
        // Round after round of every condition, so that the machine's changing load falls on all alike.
        for (int i = 0; i < REPEATS; i++) {
            for (Condition c : CONDITIONS) {
                all.add(handOut(a, c));
            }
        }
        report(all, loadAtStart);
        assertTrue(all.stream().allMatch(s -> s.ping1() > 0));
    }

    /**
     * One hand-out of {@code a} under {@code c}. A guest booting beside it is started 300 ms before
     * the pause ends; a launching one is started at its end, and the hand-out begins once QEMU has
     * written its pid file (its own start under way, QMP not yet answering). Either is killed after.
     */
    private Steps handOut(String a, Condition c) throws Exception {
        host.pause(a);
        long pid = pid(a);
        String b = c.beside() == Beside.IDLE ? null : host.createDisposable("dvm", Map.of());
        CompletableFuture<Void> started = CompletableFuture.completedFuture(null);
        if (c.beside() == Beside.BOOTING) {
            hold(c.held().minusMillis(300));
            host.start(b); // returns once QEMU runs: its guest boots for seconds from here
            hold(Duration.ofMillis(300)); // past QEMU's own start, into the guest's boot
        } else {
            hold(c.held());
        }
        if (c.beside() == Beside.LAUNCHING) {
            String launching = b;
            started = CompletableFuture.runAsync(() -> host.start(launching));
            Path pidFile = host.vmDir(b).resolve(QemuVm.PID);
            Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(1)).until(() -> Files.exists(pidFile));
        }
        Steps s = timed(a, c, pid);
        if (b != null) {
            started.get();
            host.kill(b); // auto_cleanup: removed with its boot
        }
        return s;
    }

    private long pid(String qube) {
        synchronized (host.lock) {
            return host.require(qube).vm.pid();
        }
    }

    /** CPU time and run-queue wait, ns, summed over every thread of {@code pid} (/proc/PID/task/N/schedstat). */
    private static long[] schedstat(long pid) throws IOException {
        long[] sum = new long[2];
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks.toList()) {
                String[] f = Files.readString(t.resolve("schedstat")).trim().split(" ");
                sum[0] += Long.parseLong(f[0]);
                sum[1] += Long.parseLong(f[1]);
            }
        }
        return sum;
    }

    /** Holds the guest paused (or lets the boot beside run): the time itself is the condition measured, not a wait. */
    private static void hold(Duration d) {
        LockSupport.parkNanos(d.toNanos());
    }

    /** The host's unpause, step by step: cont and a ping (in either order), then a second ping. */
    private Steps timed(String a, Condition c, long pid) throws IOException, InterruptedException {
        QemuVm vm;
        synchronized (host.lock) {
            vm = host.require(a).vm;
        }
        Agent agent = vm.agent();
        long[] contDone = new long[1];
        long[] before = schedstat(pid);
        long t0 = System.nanoTime();
        Agent.Answer first;
        if (c.pingFirst()) {
            first = agent.call("", TIMEOUT, () -> {
                vm.cont();
                contDone[0] = System.nanoTime();
            });
        } else {
            vm.cont();
            contDone[0] = System.nanoTime();
            first = agent.call("", TIMEOUT);
        }
        long t2 = System.nanoTime();
        long[] after = schedstat(pid);
        long read = agent.lastAnswerNanos();
        assertTrue(first != null && agent.call("", TIMEOUT) != null);
        long t3 = System.nanoTime();
        synchronized (host.lock) {
            host.require(a).state = PowerState.Running;
        }
        return new Steps(c.name(), ms(contDone[0] - t0), ms(read - t0), ms(t2 - t0), ms(t3 - t2), ms(after[0] - before[0]),
                ms(after[1] - before[1]));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double load() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void report(List<Steps> all, double loadAtStart) throws IOException {
        StringBuilder csv = new StringBuilder("condition,cont ms,ping1 read ms,ping1 ms,ping2 ms,qemu cpu ms,qemu run-queue ms\n");
        all.forEach(s -> csv.append(String.format(Locale.ROOT, "\"%s\",%.3f,%.3f,%.3f,%.3f,%.3f,%.3f%n", s.condition(), s.cont(),
                s.ping1Read(), s.ping1(), s.ping2(), s.cpu(), s.runQueue())));
        Files.writeString(Path.of("target", "handout-steps.csv"), csv);
        System.out.printf(Locale.ROOT, "load %.2f -> %.2f; medians of %d, ms from the first write (cont, or the ping when it goes first)%n",
                loadAtStart, load(), REPEATS);
        System.out.printf(Locale.ROOT, "%-38s %8s %12s %10s %10s %9s %10s%n", "condition", "cont", "ping1 read", "ping1", "ping2",
                "qemu cpu", "run-queue");
        all.stream().map(Steps::condition).distinct().forEach(c -> {
            List<Steps> rows = all.stream().filter(s -> s.condition().equals(c)).toList();
            System.out.printf(Locale.ROOT, "%-38s %8.2f %12.2f %10.2f %10.2f %9.2f %10.2f%n", c, median(rows, Steps::cont),
                    median(rows, Steps::ping1Read), median(rows, Steps::ping1), median(rows, Steps::ping2),
                    median(rows, Steps::cpu), median(rows, Steps::runQueue));
        });
    }

    private static double median(List<Steps> rows, java.util.function.ToDoubleFunction<Steps> f) {
        double[] v = rows.stream().mapToDouble(f).toArray();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
