package dispool.bench;

import dispool.host.QubesHost;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The floor of a preloaded hand-out on the QEMU host, measured in the run it is compared with:
 * one QMP {@code cont} and one round trip to the guest's agent, whose ping is answered by shell
 * builtins (no fork), on guests of its own with nothing else booting. It is timed two ways, which
 * differ only in how long the guest was paused: for no time (paused and resumed at once), and for
 * {@link #PAUSE}, as a preload is (a QEMU resumed after seconds answers its first ping later: its
 * threads and memory have gone cold). A hand-out can be no faster than the second; what it takes
 * beyond it is dispool's and the CPUs it shares with refills.
 *
 * @param millis       each {@code cont} + ping of a guest paused for no time, ms, in order
 * @param pausedMillis each {@code cont} + ping of a guest paused {@link #PAUSE}, ms, in order
 * @param loadAtStart  the machine's load average (1 min) when the bench began
 */
public record QemuFloor(double[] millis, double[] pausedMillis, double loadAtStart) {

    /** Round trips timed each way: enough for a median and a rough p99, well under a second of guest time. */
    public static final int SAMPLES = 20;
    /** How long the second way's guests stay paused before each resume: as a preload waits, in seconds. */
    public static final Duration PAUSE = Duration.ofSeconds(2);
    /** Guests paused together for the second way, so that its samples take SAMPLES / GUESTS pauses. */
    static final int GUESTS = 4;
    private static final String READY = "qubes.WaitForRunningSystem";

    /**
     * Boots {@link #GUESTS} disposables of {@code template} outside any pool; times {@code samples}
     * unpauses (QMP {@code cont} + one agent ping) of one paused for no time, then {@code samples}
     * of guests paused {@code pause} (all paused, the pause held, each resumed, timed and paused
     * again in turn). They are killed at the end. Run it before the engine starts, so no preload
     * boots beside it.
     */
    public static QemuFloor measure(QubesHost host, String template, int samples, Duration pause, Duration timeout) {
        double load = loadAverage();
        List<String> guests = new ArrayList<>();
        try {
            for (int i = 0; i < GUESTS; i++) {
                guests.add(host.createDisposable(template, Map.of()));
                host.start(guests.get(i));
            }
            for (String name : guests) {
                if (!host.runService(name, READY, timeout).succeeded()) {
                    throw new IllegalStateException("the floor's guest " + name + " of " + template + " did not answer "
                            + READY + " within " + timeout.toSeconds() + " s (see its console.log)");
                }
                host.pause(name);
            }
            double[] now = new double[samples];
            for (int i = 0; i < samples; i++) {
                now[i] = timedUnpause(host, guests.get(0));
                host.pause(guests.get(0));
            }
            double[] paused = new double[samples];
            for (int i = 0; i < samples; i++) {
                if (i % GUESTS == 0) {
                    LockSupport.parkNanos(pause.toNanos()); // the pause itself is what is measured, not a wait for something
                }
                String name = guests.get(i % GUESTS);
                paused[i] = timedUnpause(host, name);
                host.pause(name);
            }
            return new QemuFloor(now, paused, load);
        } finally {
            guests.forEach(host::kill);
        }
    }

    private static double timedUnpause(QubesHost host, String name) {
        long t0 = System.nanoTime();
        host.unpause(name);
        return (System.nanoTime() - t0) / 1e6;
    }

    /**
     * One run's figures: the floor both ways (paused for no time; paused {@link #PAUSE}), the
     * median time the run's ready preloads had been paused (NaN when unknown), the hand-outs that
     * found a ready preload, the cold ones.
     */
    public record Row(double floorP50, double floorMin, double pausedFloorP50, double pausedFloorMin, double preloadPausedS,
            int preloaded, double preloadedP50, double preloadedP99, int cold, double coldP50, double loadAtStart,
            double loadAtEnd) {

        double overFloor() {
            return preloadedP50 / floorP50;
        }

        double overPausedFloor() {
            return preloadedP50 / pausedFloorP50;
        }

        double coldOverPreloaded() {
            return coldP50 / preloadedP50;
        }
    }

    /**
     * The row of {@code run}: every ready hand-out of its preload scenarios against every cold
     * hand-out; {@code preloadPausedS} the median pause of its ready preloads, seconds.
     */
    public Row row(BenchRun run, double preloadPausedS) {
        List<Double> ready = new ArrayList<>();
        List<Double> cold = new ArrayList<>();
        for (ScenarioResult r : run.results()) {
            for (Sample s : r.samples()) {
                if (s.path().equals(Sample.READY)) {
                    ready.add(s.usableAfterMs());
                } else if (s.path().equals(Sample.COLD)) {
                    cold.add(s.usableAfterMs());
                }
            }
        }
        double[] floor = sorted(millis);
        double[] pausedFloor = sorted(pausedMillis);
        double[] pre = sorted(ready.stream().mapToDouble(Double::doubleValue).toArray());
        double[] c = sorted(cold.stream().mapToDouble(Double::doubleValue).toArray());
        return new Row(Stats.percentile(floor, 0.5), floor[0], Stats.percentile(pausedFloor, 0.5), pausedFloor[0],
                preloadPausedS, pre.length, p(pre, 0.5), p(pre, 0.99), c.length, p(c, 0.5), loadAtStart, loadAverage());
    }

    private static double[] sorted(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s;
    }

    private static double p(double[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : Stats.percentile(sorted, q);
    }

    static final String HEADER = "load at start,load at end,floor p50 ms,floor min ms,paused floor p50 ms,"
            + "paused floor min ms,floor pause s,preload pause median s,preloaded n,preloaded p50 ms,preloaded p99 ms,"
            + "p50 / floor,p50 / paused floor,cold n,cold p50 ms,cold / preloaded";

    /** The row as a table on {@code out} and as {@code floor.csv} in {@code dir} (one header, one row). */
    public static void report(Row r, Path dir, PrintStream out) throws IOException {
        out.println();
        out.println("Hand-out floor (QEMU, this run): floor = QMP cont + one agent ping answered without a fork, "
                + SAMPLES + " times each way on guests of its own before the pools fill: paused 0 s (resumed at once) and "
                + "paused " + PAUSE.toSeconds() + " s (as a preload waits; this run's ready preloads waited a median of "
                + String.format(Locale.ROOT, "%.1f", r.preloadPausedS()) + " s); preloaded = the hand-outs that found a "
                + "ready preload; cold = the cold hand-outs; ms of request -> usable");
        out.println(String.format(Locale.ROOT, "%-6s %-6s %9s %9s %7s %5s %8s %8s %9s %9s %5s %9s %8s", "load0", "load1",
                "floor 0s", "floor " + PAUSE.toSeconds() + "s", "pause", "n", "pre p50", "pre p99", "p50/fl0s",
                "p50/fl" + PAUSE.toSeconds() + "s", "cold", "cold p50", "cold/pre"));
        out.println(String.format(Locale.ROOT, "%-6.2f %-6.2f %9.1f %9.1f %6.1fs %5d %8.1f %8.1f %8.2fx %8.2fx %5d %9.0f %7.0fx",
                r.loadAtStart(), r.loadAtEnd(), r.floorP50(), r.pausedFloorP50(), r.preloadPausedS(), r.preloaded(),
                r.preloadedP50(), r.preloadedP99(), r.overFloor(), r.overPausedFloor(), r.cold(), r.coldP50(),
                r.coldOverPreloaded()));
        Files.writeString(dir.resolve("floor.csv"), HEADER + "\n" + csv(r) + "\n");
    }

    static String csv(Row r) {
        return String.format(Locale.ROOT, "%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%d,%.1f,%d,%.2f,%.2f,%.3f,%.3f,%d,%.1f,%.1f",
                r.loadAtStart(), r.loadAtEnd(), r.floorP50(), r.floorMin(), r.pausedFloorP50(), r.pausedFloorMin(),
                PAUSE.toSeconds(), r.preloadPausedS(), r.preloaded(), r.preloadedP50(), r.preloadedP99(), r.overFloor(),
                r.overPausedFloor(), r.cold(), r.coldP50(), r.coldOverPreloaded());
    }

    /** This machine's load average over the last minute. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
