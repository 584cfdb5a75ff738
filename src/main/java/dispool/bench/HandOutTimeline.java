package dispool.bench;

import dispool.host.qemu.UnpauseSteps;
import dispool.pool.HandOut;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Each QEMU hand-out that found a ready preload, step by step, in ms from the bench's request:
 * the engine's claim (until the host's unpause begins), the agent's ping written, QMP {@code cont}
 * sent and answered, the ping's answer read, the unpausing thread awake, the bench's caller
 * awake; beside them how long the preload had been paused and how many QEMUs were launching or
 * booting as it began. Written as {@code timeline.csv}; printed as medians with and without a
 * QEMU starting beside, which is where back-to-back hand-outs meet their refills. The qube names
 * match {@code results.csv}'s, which says each one's scenario.
 */
final class HandOutTimeline {

    /** One ready hand-out: the bench's request sent and its reply back (nanoTime), and the host's steps. */
    record Entry(long sent, long replied, UnpauseSteps steps) {

        double claim() {
            return ms(steps.start());
        }

        double pingWritten() {
            return ms(steps.pingWritten());
        }

        double contSent() {
            return ms(steps.contSent());
        }

        double contReply() {
            return ms(steps.contReply());
        }

        double answerRead() {
            return ms(steps.answerRead());
        }

        double unpaused() {
            return ms(steps.awake());
        }

        double callerAwake() {
            return ms(replied);
        }

        boolean besideStarting() {
            return steps.launching() + steps.booting() > 0;
        }

        private double ms(long stamp) {
            return UnpauseSteps.since(sent, stamp);
        }
    }

    /** The host's steps by disposable, until its hand-out returns to the bench. */
    private final Map<String, UnpauseSteps> unpaused = new ConcurrentHashMap<>();
    private final List<Entry> entries = new ArrayList<>();

    /** The QEMU host's listener: one unpause's steps. */
    void unpaused(UnpauseSteps s) {
        unpaused.put(s.qube(), s);
    }

    /** A hand-out returned to the bench; kept when it resumed a ready preload. */
    synchronized void handedOut(HandOut h, long sent, long replied) {
        UnpauseSteps s = unpaused.remove(h.name());
        if (s != null && h.preloaded() && Sample.READY.equals(Sample.pathOf(h))) {
            entries.add(new Entry(sent, replied, s));
        }
    }

    synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The median time the ready preloads had been paused, seconds; NaN without any. */
    double medianPausedSeconds() {
        double[] v = entries().stream().mapToDouble(e -> e.steps().pausedMs() / 1000).filter(d -> !Double.isNaN(d)).toArray();
        return median(v);
    }

    static final String HEADER = "qube,paused s,launching,booting,claim ms,ping written ms,cont sent ms,"
            + "cont reply ms,answer read ms,unpause returned ms,caller awake ms";

    /** {@code timeline.csv} in {@code dir}, and the medians on {@code out}. */
    void report(Path dir, PrintStream out) throws IOException {
        List<Entry> all = entries();
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        all.forEach(e -> csv.append(String.format(Locale.ROOT, "%s,%.2f,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f%n",
                e.steps().qube(), e.steps().pausedMs() / 1000, e.steps().launching(), e.steps().booting(),
                e.claim(), e.pingWritten(), e.contSent(), e.contReply(), e.answerRead(), e.unpaused(), e.callerAwake())));
        Files.writeString(dir.resolve("timeline.csv"), csv);
        out.println();
        out.println("Ready hand-outs step by step (QEMU): medians, ms from the bench's request; 'starting' = a QEMU "
                + "launching or booting as the unpause began (timeline.csv has every hand-out)");
        out.println(String.format(Locale.ROOT, "%-18s %4s %7s %7s %7s %9s %9s %9s %9s", "", "n", "paused", "claim",
                "ping", "cont rep", "answer", "unpaused", "caller"));
        line(out, "nothing starting", all.stream().filter(e -> !e.besideStarting()).toList());
        line(out, "QEMU starting", all.stream().filter(Entry::besideStarting).toList());
        line(out, "all", all);
    }

    private static void line(PrintStream out, String label, List<Entry> rows) {
        out.println(String.format(Locale.ROOT, "%-18s %4d %6.1fs %7.2f %7.2f %9.2f %9.2f %9.2f %9.2f", label, rows.size(),
                median(rows, e -> e.steps().pausedMs() / 1000), median(rows, Entry::claim), median(rows, Entry::pingWritten),
                median(rows, Entry::contReply), median(rows, Entry::answerRead), median(rows, Entry::unpaused),
                median(rows, Entry::callerAwake)));
    }

    private static double median(List<Entry> rows, ToDoubleFunction<Entry> f) {
        return median(rows.stream().mapToDouble(f).toArray());
    }

    private static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return Stats.percentile(s, 0.5);
    }
}
