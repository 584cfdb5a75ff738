package dispool.advice;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Figures of a template's recorded demand: arrivals, bursts, how requests were served, and the
 * memory its preloads held over time. A burst is a run of requests each at most {@code gapMs}
 * after the one before (a user opening several files, a script starting qubes).
 */
public final class Demand {

    private Demand() {
    }

    /**
     * Bursts in a trace.
     *
     * @param count   bursts of two requests or more
     * @param largest requests in the largest burst (1 when every request came alone)
     * @param median  median requests per burst (bursts of two or more; 0 when none)
     */
    public record Bursts(int count, int largest, double median) {
    }

    /**
     * How the recorded requests were served.
     *
     * @param ready  found a ready preload
     * @param waited waited for a preload still starting
     * @param cold   a disposable was started for them
     */
    public record Served(int ready, int waited, int cold) {

        public int requests() {
            return ready + waited + cold;
        }

        public double readyShare() {
            return share(ready);
        }

        public double waitedShare() {
            return share(waited);
        }

        public double coldShare() {
            return share(cold);
        }

        private double share(int n) {
            return requests() == 0 ? 0 : (double) n / requests();
        }
    }

    /** Request times (ms) of the hand-outs at or after {@code fromMs}, ascending. */
    public static long[] arrivals(List<HistoryEntry> entries, long fromMs) {
        return entries.stream().filter(e -> e.kind() == HistoryEntry.Kind.HAND_OUT && e.at() >= fromMs)
                .mapToLong(e -> e.at() - (long) e.ms()).sorted().toArray();
    }

    public static Bursts bursts(long[] arrivals, long gapMs) {
        List<Integer> sizes = new ArrayList<>();
        int run = arrivals.length == 0 ? 0 : 1;
        for (int i = 1; i < arrivals.length; i++) {
            if (arrivals[i] - arrivals[i - 1] <= gapMs) {
                run++;
            } else {
                sizes.add(run);
                run = 1;
            }
        }
        if (run > 0) {
            sizes.add(run);
        }
        int largest = sizes.stream().mapToInt(Integer::intValue).max().orElse(0);
        int[] many = sizes.stream().mapToInt(Integer::intValue).filter(n -> n >= 2).sorted().toArray();
        double median = many.length == 0 ? 0 : many.length % 2 == 1 ? many[many.length / 2]
                : (many[many.length / 2 - 1] + many[many.length / 2]) / 2.0;
        return new Bursts(many.length, largest, median);
    }

    public static Served served(List<HistoryEntry> entries, long fromMs) {
        int ready = 0;
        int waited = 0;
        int cold = 0;
        for (HistoryEntry e : entries) {
            if (e.kind() != HistoryEntry.Kind.HAND_OUT || e.at() < fromMs) {
                continue;
            }
            switch (e.path() == null ? "" : e.path()) {
                case HistoryEntry.READY -> ready++;
                case HistoryEntry.WAITED -> waited++;
                default -> cold++;
            }
        }
        return new Served(ready, waited, cold);
    }

    /**
     * Preload-seconds held from {@code fromMs} to {@code toMs}: the number of preloads held, a step
     * that changes at each HELD line, integrated over time (times a preload's MiB gives MiB·s).
     */
    public static double preloadSeconds(List<HistoryEntry> entries, long fromMs, long toMs) {
        double sum = 0;
        int held = 0;
        long since = fromMs;
        for (HistoryEntry e : entries) {
            if (e.kind() != HistoryEntry.Kind.HELD) {
                continue;
            }
            if (e.at() > toMs) {
                break;
            }
            if (e.at() > since) {
                sum += held * (double) (e.at() - since);
                since = e.at();
            }
            held = e.held();
        }
        sum += held * (double) Math.max(0, toMs - since);
        return sum / 1000;
    }

    /** Median of the recorded refill times (start → ready), ms; NaN when none was recorded. */
    public static double medianRefillMs(List<HistoryEntry> entries) {
        return median(entries.stream().filter(e -> e.kind() == HistoryEntry.Kind.REFILL).mapToDouble(HistoryEntry::ms)
                .toArray());
    }

    /** Median request → usable of the hand-outs served by {@code path}; NaN when none. */
    public static double medianUsableMs(List<HistoryEntry> entries, String path) {
        return median(entries.stream().filter(e -> e.kind() == HistoryEntry.Kind.HAND_OUT && path.equals(e.path()))
                .mapToDouble(HistoryEntry::ms).toArray());
    }

    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
