package dispool.advice;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * How a replayed refill takes its time: {@code preload-dispvm-delay}, then a boot that takes
 * {@code bootMs} alone. Boots under way at once share the host as the simulator's and a real
 * host's CPUs do (processor sharing): {@code slots} of them run at full speed, with n &gt; slots
 * each runs at slots / n of it. {@code slots} 0: boots never slow each other.
 *
 * <p>Measured from the history: a refill recorded its start → ready time, so its start and end
 * give the boots under way beside it (refills and cold starts, averaged over its run, as
 * {@code StartCapacity} measures them live). The slots are the count whose slowdown explains
 * the recorded times best; without starts recorded side by side, nothing shows a slowdown.
 */
public record Refills(double delayMs, double bootMs, int slots) {

    /** Refills recorded side by side before a slowdown is read from them. */
    static final int MIN_OVERLAPPING = 3;
    /** A count of slots must explain the recorded times this much better than the next larger one. */
    private static final double BETTER_BY = 0.95;

    public Refills {
        if (!(delayMs >= 0) || !(bootMs >= 0) || slots < 0) {
            throw new IllegalArgumentException("refills of delay " + delayMs + " ms, boot " + bootMs + " ms, " + slots
                    + " slots refused: all must be >= 0");
        }
    }

    /** Boots that never slow each other: each refill takes the delay plus {@code bootMs}. */
    public static Refills sideBySide(double delayMs, double bootMs) {
        return new Refills(delayMs, bootMs, 0);
    }

    /** How much slower each of {@code n} boots under way at once runs than one alone. */
    double slowdown(double n) {
        return slowdown(n, slots);
    }

    private static double slowdown(double n, int slots) {
        return slots == 0 ? 1 : Math.max(1, n / slots);
    }

    /** A recorded boot: a refill's start → ready, or a cold start's request → usable. */
    private record Boot(double start, double end, boolean refill) {

        double ms() {
            return end - start;
        }
    }

    /** The refills recorded in {@code history}, their boot time alone and the slots they show; null without any. */
    static Refills measured(List<HistoryEntry> history, double delayMs) {
        List<Boot> boots = new ArrayList<>();
        for (HistoryEntry e : history) {
            boolean refill = e.kind() == HistoryEntry.Kind.REFILL;
            if (refill || (e.kind() == HistoryEntry.Kind.HAND_OUT && HistoryEntry.COLD.equals(e.path()))) {
                boots.add(new Boot(e.at() - e.ms(), e.at(), refill));
            }
        }
        double[] times = boots.stream().filter(Boot::refill).mapToDouble(Boot::ms).toArray();
        if (times.length == 0) {
            return null;
        }
        double[] levels = levels(boots);
        long overlapping = Arrays.stream(levels).filter(l -> l > 1.5).count();
        if (overlapping < MIN_OVERLAPPING) {
            return sideBySide(delayMs, Demand.median(times));
        }
        int best = 0;
        double bestError = error(times, levels, 0);
        for (int k = (int) Math.ceil(Arrays.stream(levels).max().orElse(1)); k >= 1; k--) {
            double e = error(times, levels, k);
            if (e < bestError * BETTER_BY) {
                best = k;
                bestError = e;
            }
        }
        return new Refills(delayMs, alone(times, levels, best), best);
    }

    /** Each refill's boots under way beside it, itself included, averaged over its run. */
    private static double[] levels(List<Boot> boots) {
        List<Boot> byStart = boots.stream().sorted(Comparator.comparingDouble(Boot::start)).toList();
        double[] starts = byStart.stream().mapToDouble(Boot::start).toArray();
        double longest = byStart.stream().mapToDouble(Boot::ms).max().orElse(0);
        List<Boot> refills = boots.stream().filter(Boot::refill).toList();
        double[] out = new double[refills.size()];
        for (int i = 0; i < out.length; i++) {
            Boot r = refills.get(i);
            double shared = 0;
            // only boots that start within the longest boot before this one can overlap it
            int from = Arrays.binarySearch(starts, r.start() - longest);
            for (int j = from < 0 ? -from - 1 : from; j < starts.length && starts[j] < r.end(); j++) {
                Boot b = byStart.get(j);
                shared += Math.max(0, Math.min(r.end(), b.end()) - Math.max(r.start(), b.start()));
            }
            out[i] = r.ms() > 0 ? shared / r.ms() : 1;
        }
        return out;
    }

    private static double alone(double[] times, double[] levels, int slots) {
        double[] alone = new double[times.length];
        for (int i = 0; i < times.length; i++) {
            alone[i] = times[i] / slowdown(levels[i], slots);
        }
        return Demand.median(alone);
    }

    /** How far the recorded times are from those {@code slots} predicts (sum of |log ratio|). */
    private static double error(double[] times, double[] levels, int slots) {
        double bootMs = alone(times, levels, slots);
        double sum = 0;
        for (int i = 0; i < times.length; i++) {
            double predicted = bootMs * slowdown(levels[i], slots);
            sum += Math.abs(Math.log(Math.max(1, times[i]) / Math.max(1, predicted)));
        }
        return sum;
    }
}
