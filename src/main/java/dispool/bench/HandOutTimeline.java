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
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * Each QEMU hand-out that found a ready preload, step by step, in ms from the bench's request:
 * the engine's claim (until the host's unpause begins), the agent's ping written (QMP {@code cont}
 * goes out next), {@code cont}'s reply, the ping's answer read, the unpausing thread awake, the
 * bench's caller awake; beside them how long the preload had been paused and how many QEMUs were
 * launching or booting as it began. Written as {@code timeline.csv}; printed as medians with and
 * without a QEMU starting beside, which is where back-to-back hand-outs meet their refills. The
 * qube names match {@code results.csv}'s, which says each one's scenario.
 */
final class HandOutTimeline {

    /** The steps of a ready hand-out, in order: each a stamp of the host's unpause or the bench's reply. */
    enum Stage {
        CLAIM("claim", e -> e.steps().start()),
        PING_WRITTEN("ping written", e -> e.steps().pingWritten()),
        CONT_REPLY("cont reply", e -> e.steps().contReply()),
        ANSWER_READ("answer read", e -> e.steps().answerRead()),
        UNPAUSE_RETURNED("unpause returned", e -> e.steps().awake()),
        CALLER_AWAKE("caller awake", Entry::replied);

        final String label;
        private final ToLongFunction<Entry> stamp;

        Stage(String label, ToLongFunction<Entry> stamp) {
            this.label = label;
            this.stamp = stamp;
        }
    }

    /** One ready hand-out: the bench's request sent and its reply back (nanoTime), and the host's steps. */
    record Entry(long sent, long replied, UnpauseSteps steps) {

        /** When {@code stage} was reached, ms after the bench's request. */
        double ms(Stage stage) {
            return UnpauseSteps.since(sent, stage.stamp.applyAsLong(this));
        }

        double pausedSeconds() {
            return steps.pausedMs() / 1000;
        }

        boolean besideStarting() {
            return steps.launching() + steps.booting() > 0;
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
        return median(entries().stream().mapToDouble(Entry::pausedSeconds).filter(d -> !Double.isNaN(d)).toArray());
    }

    static final String HEADER = "qube,paused s,launching,booting,"
            + Arrays.stream(Stage.values()).map(s -> s.label + " ms").collect(Collectors.joining(","));

    /** {@code timeline.csv} in {@code dir}, and the medians on {@code out}. */
    void report(Path dir, PrintStream out) throws IOException {
        List<Entry> all = entries();
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (Entry e : all) {
            csv.append(String.format(Locale.ROOT, "%s,%.2f,%d,%d", e.steps().qube(), e.pausedSeconds(), e.steps().launching(),
                    e.steps().booting()));
            for (Stage s : Stage.values()) {
                csv.append(String.format(Locale.ROOT, ",%.3f", e.ms(s)));
            }
            csv.append('\n');
        }
        Files.writeString(dir.resolve("timeline.csv"), csv);
        out.println();
        out.println("Ready hand-outs step by step (QEMU): medians, ms from the bench's request; 'starting' = a QEMU "
                + "launching or booting as the unpause began (timeline.csv has every hand-out)");
        out.println(String.format(Locale.ROOT, "%-18s %4s %7s", "", "n", "paused")
                + Arrays.stream(Stage.values()).map(s -> String.format(Locale.ROOT, " %16s", s.label)).collect(Collectors.joining()));
        line(out, "nothing starting", all.stream().filter(e -> !e.besideStarting()).toList());
        line(out, "QEMU starting", all.stream().filter(Entry::besideStarting).toList());
        line(out, "all", all);
    }

    private static void line(PrintStream out, String label, List<Entry> rows) {
        StringBuilder l = new StringBuilder(String.format(Locale.ROOT, "%-18s %4d %6.1fs", label, rows.size(),
                median(rows, Entry::pausedSeconds)));
        for (Stage s : Stage.values()) {
            l.append(String.format(Locale.ROOT, " %16.2f", median(rows, e -> e.ms(s))));
        }
        out.println(l);
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
