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
import java.util.OptionalLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the milliseconds of one preloaded hand-out go on QEMU: QMP {@code cont} (sent → reply),
 * the first agent ping after it (sent → answer read by the agent's reader thread → the caller
 * awake), and a second ping at once (the same round trip on a guest already running). A guest
 * paused for no time (the floor's) and one held paused for seconds (a preload's), each with and
 * without another guest booting beside it; the host's throttle of booting guests off and on; the
 * ping written before the {@code cont} (as the host's unpause now does) or after its reply. The
 * conditions take turns, round after round, so the machine's load falls on all alike. Prints a table and writes {@code target/handout-steps.csv} (one row per hand-out).
 *
 * <pre>mvn -B -o test -Dbench.excluded=none -Dtest=HandOutStepsBench</pre> (3.5 min at load 9)
 */
@Tag("bench")
class HandOutStepsBench {

    static final int REPEATS = 10;
    static final Duration LONG_PAUSE = Duration.ofSeconds(2);
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;
    private QemuHost host;

    /** One timed hand-out: ms from sending {@code cont}. */
    record Steps(String condition, double cont, double ping1Read, double ping1, double ping2) {
    }

    @AfterEach
    void stop() {
        if (host != null) {
            host.listQubes().stream().filter(q -> q.isDispVm() && q.state().isActive()).forEach(q -> host.kill(q.name()));
            host.close();
        }
    }

    /** One way of handing out: how long the guest was paused, a boot beside it, the throttle, ping sent before cont. */
    record Condition(String name, Duration held, boolean booting, boolean throttled, boolean pingFirst) {
    }

    static final List<Condition> CONDITIONS = List.of(
            new Condition("paused 0 s, idle", Duration.ZERO, false, false, false),
            new Condition("paused 2 s, idle", LONG_PAUSE, false, false, false),
            new Condition("paused 0 s, idle, ping first", Duration.ZERO, false, false, true),
            new Condition("paused 2 s, idle, ping first", LONG_PAUSE, false, false, true),
            new Condition("paused 0 s, 1 booting", Duration.ZERO, true, false, false),
            new Condition("paused 0 s, 1 booting, throttled", Duration.ZERO, true, true, false),
            new Condition("paused 2 s, 1 booting", LONG_PAUSE, true, false, false),
            new Condition("paused 2 s, 1 booting, throttled", LONG_PAUSE, true, true, false));

    @Test
    void stepsOfAHandOut() throws Exception {
        Path guest = QemuGuest.require();
        host = QemuHost.open(QemuGuest.settings(tmp.resolve("state"), OptionalLong.empty(), Map.of(),
                QemuGuest.template(guest, "dvm", "tpl", 192, true, Map.of())));
        String a = bootReady();
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

    private String bootReady() {
        String name = host.createDisposable("dvm", Map.of());
        host.start(name);
        assertTrue(host.runService(name, "qubes.WaitForRunningSystem", TIMEOUT).succeeded(), name + " never answered");
        return name;
    }

    /** One hand-out of {@code a} under {@code c}; a guest booting beside it is started 300 ms before and killed after. */
    private Steps handOut(String a, Condition c) throws Exception {
        host.runs.boots.enabled(c.throttled());
        String b = null;
        if (c.booting()) {
            b = host.createDisposable("dvm", Map.of());
            host.start(b); // returns once QEMU runs: its guest boots for seconds from here
            hold(Duration.ofMillis(300)); // past QEMU's own start, into the guest's boot
        }
        host.pause(a);
        hold(c.held());
        Steps s = timed(a, c);
        if (b != null) {
            host.kill(b); // auto_cleanup: removed with its boot
        }
        return s;
    }

    /** Holds the guest paused (or lets the boot beside run): the time itself is the condition measured, not a wait. */
    private static void hold(Duration d) {
        LockSupport.parkNanos(d.toNanos());
    }

    /** The host's unpause, step by step: cont and a ping (in either order), then a second ping. */
    private Steps timed(String a, Condition c) throws IOException, InterruptedException {
        QemuVm vm;
        synchronized (host.lock) {
            vm = host.require(a).vm;
        }
        Agent agent = vm.agent();
        long[] contDone = new long[1];
        long t0 = System.nanoTime();
        try (BootThrottle.Hold hold = host.runs.boots.hold()) {
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
            long read = agent.lastAnswerNanos();
            assertTrue(first != null && agent.call("", TIMEOUT) != null);
            long t3 = System.nanoTime();
            synchronized (host.lock) {
                host.require(a).state = PowerState.Running;
            }
            return new Steps(c.name(), ms(contDone[0] - t0), ms(read - t0), ms(t2 - t0), ms(t3 - t2));
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double load() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void report(List<Steps> all, double loadAtStart) throws IOException {
        StringBuilder csv = new StringBuilder("condition,cont ms,ping1 read ms,ping1 ms,ping2 ms\n");
        all.forEach(s -> csv.append(String.format(Locale.ROOT, "%s,%.3f,%.3f,%.3f,%.3f%n", s.condition(), s.cont(),
                s.ping1Read(), s.ping1(), s.ping2())));
        Files.writeString(Path.of("target", "handout-steps.csv"), csv);
        System.out.printf(Locale.ROOT, "load %.2f -> %.2f; medians of %d, ms from sending cont (ping first: from writing the ping)%n",
                loadAtStart, load(), REPEATS);
        System.out.printf(Locale.ROOT, "%-36s %8s %12s %10s %10s%n", "condition", "cont", "ping1 read", "ping1", "ping2");
        all.stream().map(Steps::condition).distinct().forEach(c -> {
            List<Steps> rows = all.stream().filter(s -> s.condition().equals(c)).toList();
            System.out.printf(Locale.ROOT, "%-36s %8.2f %12.2f %10.2f %10.2f%n", c, median(rows, Steps::cont),
                    median(rows, Steps::ping1Read), median(rows, Steps::ping1), median(rows, Steps::ping2));
        });
    }

    private static double median(List<Steps> rows, java.util.function.ToDoubleFunction<Steps> f) {
        double[] v = rows.stream().mapToDouble(f).toArray();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
