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

/**
 * The floor of a preloaded hand-out on the QEMU host, measured in the run it is compared with:
 * one QMP {@code cont} and one round trip to the guest's agent, whose ping is answered by shell
 * builtins (no fork), on a guest of its own with nothing else booting. A hand-out can be no
 * faster; what it takes beyond this is dispool's and the CPUs it shares with refills.
 *
 * @param millis      each {@code cont} + ping, ms, in order
 * @param loadAtStart the machine's load average (1 min) when the bench began
 */
public record QemuFloor(double[] millis, double loadAtStart) {

    /** Round trips timed: enough for a median and a rough p99, well under a second of guest time. */
    public static final int SAMPLES = 20;
    private static final String READY = "qubes.WaitForRunningSystem";

    /**
     * Boots one disposable of {@code template} outside any pool, then pauses it and times its
     * unpause (QMP {@code cont} + one agent ping) {@code samples} times; the disposable is killed
     * at the end. Run it before the engine starts, so no preload boots beside it.
     */
    public static QemuFloor measure(QubesHost host, String template, int samples, Duration timeout) {
        double load = loadAverage();
        String name = host.createDisposable(template, Map.of());
        try {
            host.start(name);
            if (!host.runService(name, READY, timeout).succeeded()) {
                throw new IllegalStateException("the floor's guest " + name + " of " + template + " did not answer "
                        + READY + " within " + timeout.toSeconds() + " s (see its console.log)");
            }
            double[] ms = new double[samples];
            for (int i = 0; i < samples; i++) {
                host.pause(name);
                long t0 = System.nanoTime();
                host.unpause(name);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            return new QemuFloor(ms, load);
        } finally {
            host.kill(name);
        }
    }

    /** One run's figures: the floor, preloaded hand-outs that found a ready preload, cold ones. */
    public record Row(double floorP50, double floorMin, int preloaded, double preloadedP50, double preloadedP99, int cold,
            double coldP50, double loadAtStart, double loadAtEnd) {

        double overFloor() {
            return preloadedP50 / floorP50;
        }

        double coldOverPreloaded() {
            return coldP50 / preloadedP50;
        }
    }

    /** The row of {@code run}: every ready hand-out of its preload scenarios against every cold hand-out. */
    public Row row(BenchRun run) {
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
        double[] pre = sorted(ready.stream().mapToDouble(Double::doubleValue).toArray());
        double[] c = sorted(cold.stream().mapToDouble(Double::doubleValue).toArray());
        return new Row(Stats.percentile(floor, 0.5), floor[0], pre.length, p(pre, 0.5), p(pre, 0.99), c.length, p(c, 0.5),
                loadAtStart, loadAverage());
    }

    private static double[] sorted(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s;
    }

    private static double p(double[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : Stats.percentile(sorted, q);
    }

    static final String HEADER = "load at start,load at end,floor p50 ms,floor min ms,preloaded n,preloaded p50 ms,"
            + "preloaded p99 ms,p50 / floor,cold n,cold p50 ms,cold / preloaded";

    /** The row as a table on {@code out} and as {@code floor.csv} in {@code dir} (one header, one row). */
    public static void report(Row r, Path dir, PrintStream out) throws IOException {
        out.println();
        out.println("Hand-out floor (QEMU, this run): floor = QMP cont + one agent ping answered without a fork, "
                + SAMPLES + " times on a guest of its own before the pools fill; preloaded = the hand-outs that found "
                + "a ready preload; cold = the cold hand-outs; ms of request -> usable");
        out.println(String.format(Locale.ROOT, "%-9s %-9s %10s %9s %5s %10s %10s %8s %5s %10s %10s", "load0", "load1",
                "floor p50", "floor min", "n", "pre p50", "pre p99", "p50/floor", "cold", "cold p50", "cold/pre"));
        out.println(String.format(Locale.ROOT, "%-9.2f %-9.2f %10.1f %9.1f %5d %10.1f %10.1f %8.2fx %5d %10.0f %9.0fx",
                r.loadAtStart(), r.loadAtEnd(), r.floorP50(), r.floorMin(), r.preloaded(), r.preloadedP50(),
                r.preloadedP99(), r.overFloor(), r.cold(), r.coldP50(), r.coldOverPreloaded()));
        Files.writeString(dir.resolve("floor.csv"), HEADER + "\n" + csv(r) + "\n");
    }

    static String csv(Row r) {
        return String.format(Locale.ROOT, "%.2f,%.2f,%.2f,%.2f,%d,%.2f,%.2f,%.3f,%d,%.1f,%.1f", r.loadAtStart(),
                r.loadAtEnd(), r.floorP50(), r.floorMin(), r.preloaded(), r.preloadedP50(), r.preloadedP99(), r.overFloor(),
                r.cold(), r.coldP50(), r.coldOverPreloaded());
    }

    /** This machine's load average over the last minute. */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
