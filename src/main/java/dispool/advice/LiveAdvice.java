package dispool.advice;

import dispool.pool.PreloadFeatures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Advice on one template's {@code preload-dispvm-max} from its own hand-out history: what the
 * demand was (rates and bursts over windows), how requests were served, what the preloads held,
 * and the smallest max whose {@link PoolReplay replay} of the recorded requests keeps misses at or
 * under the target. The smallest max is the least memory: a pool holds its max preloads (starting
 * ones included) nearly all the time.
 */
public final class LiveAdvice {

    /** The windows the demand is shown over, newest last; "recorded" is the whole retained history. */
    static final List<Duration> WINDOWS = List.of(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(1));

    /** A cold start's request → usable when neither a refill nor a cold start was recorded: R4.3's median (qubes-perf.md). */
    static final double DEFAULT_COLD_MS = 7_000;

    private LiveAdvice() {
    }

    /**
     * What the advice starts from besides the history.
     *
     * @param currentMax   preload-dispvm-max in effect now
     * @param memoryMiB    memory of one preload of the template
     * @param delaySeconds preload-dispvm-delay in effect (part of every refill)
     * @param missTarget   highest acceptable share of requests finding no ready preload
     * @param burstGap     longest gap between two requests of one burst
     */
    public record Inputs(int currentMax, long memoryMiB, double delaySeconds, double missTarget, Duration burstGap) {

        public Inputs {
            if (!(missTarget > 0 && missTarget < 1)) {
                throw new IllegalArgumentException("miss target " + missTarget + " refused: must be a share above 0 and "
                        + "below 1, e.g. 0.01 for 1%");
            }
        }
    }

    /**
     * Demand over one window ending now.
     *
     * @param requests     hand-outs in it
     * @param perMinute    their rate
     * @param largestBurst requests in its largest burst
     * @param mibSeconds   memory held by preloads over it
     */
    public record Window(String name, long seconds, int requests, double perMinute, int largestBurst, double mibSeconds) {
    }

    /**
     * The advice.
     *
     * @param recommendedMax  the max to set; null when the history holds no request yet
     * @param replayNow       the replay of the current max
     * @param replayAdvised   the replay of the recommended max (null with no recommendation)
     * @param refills         how the replay refilled: delay, boot alone, boots at full speed at once
     * @param meanHeldMiB     memory held by preloads on average over the recorded span
     * @param command         the qvm-features line that applies it (null with no recommendation)
     * @param reasons         the same in plain words
     * @param chart           what the advice chart draws: demand, bursts, memory held, misses per candidate max
     */
    public record Report(String template, int currentMax, double missTarget, List<Window> windows, Demand.Bursts bursts,
            Demand.Served served, Refills refills, double mibSeconds, double meanHeldMiB, PoolReplay.Result replayNow,
            Integer recommendedMax, PoolReplay.Result replayAdvised, String command, List<String> reasons,
            AdviceChartData chart) {
    }

    public static Report advise(String template, List<HistoryEntry> history, long nowMs, Inputs in) {
        long since = history.isEmpty() ? nowMs : history.get(0).at();
        long[] arrivals = Demand.arrivals(history, Long.MIN_VALUE);
        Demand.Bursts bursts = Demand.bursts(arrivals, in.burstGap().toMillis());
        Demand.Served served = Demand.served(history, Long.MIN_VALUE);
        List<Window> windows = windows(history, nowMs, since, in);
        double mibSeconds = Demand.preloadSeconds(history, since, nowMs) * in.memoryMiB();
        double meanHeld = nowMs > since ? mibSeconds * 1000 / (nowMs - since) : 0;
        Timings t = timings(history, in.delaySeconds());
        PoolReplay.Result now = PoolReplay.replay(arrivals, in.currentMax(), t.refills, t.readyMs, t.coldMs);
        List<String> reasons = new ArrayList<>();
        demandReasons(reasons, windows, bursts, served, in, meanHeld, mibSeconds);
        reasons.add(t.reason);
        if (arrivals.length == 0) {
            reasons.add("No request recorded yet: no advice until the pool has been used.");
            return new Report(template, in.currentMax(), in.missTarget(), windows, bursts, served, t.refills(),
                    mibSeconds, meanHeld, now, null, null, null, reasons,
                    chart(template, history, since, nowMs, arrivals, in, t, null));
        }
        PoolReplay.Result best = PoolReplay.smallestMeeting(arrivals, in.missTarget(), PreloadFeatures.MAX_LIMIT,
                t.refills, t.readyMs, t.coldMs);
        PoolReplay.Result advised = best != null ? best
                : PoolReplay.replay(arrivals, PreloadFeatures.MAX_LIMIT, t.refills, t.readyMs, t.coldMs);
        recommendation(reasons, arrivals, now, advised, best != null, in, t);
        String command = String.format(Locale.ROOT, "qvm-features %s preload-dispvm-max %d", template, advised.max());
        reasons.add(advised.max() == in.currentMax() ? "Keep it: " + command : "Apply it: " + command);
        return new Report(template, in.currentMax(), in.missTarget(), windows, bursts, served, t.refills(), mibSeconds,
                meanHeld, now, advised.max(), advised, command, reasons,
                chart(template, history, since, nowMs, arrivals, in, t, advised.max()));
    }

    /** The chart's data: the replay of each candidate max from 0 to a few past the advised and current ones. */
    private static AdviceChartData chart(String template, List<HistoryEntry> history, long since, long nowMs,
            long[] arrivals, Inputs in, Timings t, Integer advised) {
        List<AdviceChartData.Candidate> candidates = new ArrayList<>();
        if (arrivals.length > 0) {
            for (int m = 0; m <= AdviceChartData.lastCandidate(advised, in.currentMax(), PreloadFeatures.MAX_LIMIT); m++) {
                PoolReplay.Result r = PoolReplay.replay(arrivals, m, t.refills, t.readyMs, t.coldMs);
                candidates.add(new AdviceChartData.Candidate(m, r.missShare(), r.meanMs()));
            }
        }
        return AdviceChartData.of(template, history, since, nowMs, arrivals, in.burstGap().toMillis(), in.memoryMiB(),
                candidates, advised, in.currentMax(), in.missTarget());
    }

    private static List<Window> windows(List<HistoryEntry> history, long nowMs, long since, Inputs in) {
        List<Window> out = new ArrayList<>();
        for (Duration w : WINDOWS) {
            long from = nowMs - w.toMillis();
            out.add(window(label(w), history, Math.max(from, since), nowMs, in));
        }
        out.add(window("recorded", history, since, nowMs, in));
        return out;
    }

    private static Window window(String name, List<HistoryEntry> history, long from, long to, Inputs in) {
        long[] arrivals = Demand.arrivals(history, from);
        double seconds = Math.max(1, to - from) / 1000.0;
        return new Window(name, Math.round(seconds), arrivals.length, arrivals.length * 60 / seconds,
                Demand.bursts(arrivals, in.burstGap().toMillis()).largest(),
                Demand.preloadSeconds(history, from, to) * in.memoryMiB());
    }

    private static String label(Duration d) {
        return d.toDays() >= 1 ? d.toDays() + " d" : d.toHours() >= 1 ? d.toHours() + " h" : d.toMinutes() + " min";
    }

    /** The times the replay uses, measured where the history has them. */
    private record Timings(Refills refills, double readyMs, double coldMs, String reason) {
    }

    private static Timings timings(List<HistoryEntry> history, double delaySeconds) {
        double delayMs = Math.max(0, delaySeconds) * 1000;
        Refills refills = Refills.measured(history, delayMs);
        double cold = Demand.medianUsableMs(history, HistoryEntry.COLD);
        double ready = Demand.medianUsableMs(history, HistoryEntry.READY);
        String source;
        if (refills != null) {
            source = String.format(Locale.ROOT, "%d recorded preload starts",
                    history.stream().filter(e -> e.kind() == HistoryEntry.Kind.REFILL).count());
        } else if (!Double.isNaN(cold)) {
            refills = Refills.sideBySide(delayMs, cold);
            source = "no preload start recorded: the median recorded cold start";
        } else {
            refills = Refills.sideBySide(delayMs, DEFAULT_COLD_MS);
            source = "nothing measured yet: Qubes R4.3's median cold start";
        }
        cold = Double.isNaN(cold) ? refills.bootMs() : cold;
        ready = Double.isNaN(ready) ? 0 : ready;
        String reason = String.format(Locale.ROOT, "A refill takes about %.1f s (%s: %.1f s alone, + preload-dispvm-delay "
                + "%s s)%s.", (refills.bootMs() + delayMs) / 1000, source, refills.bootMs() / 1000,
                number(delayMs / 1000), refills.slots() == 0 ? ""
                        : String.format(Locale.ROOT, "; starts side by side slow each other beyond %d at once, as the "
                                + "recorded ones did, and the replay runs them so", refills.slots()));
        return new Timings(refills, ready, cold, reason);
    }

    private static void demandReasons(List<String> out, List<Window> windows, Demand.Bursts bursts, Demand.Served served,
            Inputs in, double meanHeld, double mibSeconds) {
        StringBuilder s = new StringBuilder("Demand:");
        for (Window w : windows) {
            s.append(String.format(Locale.ROOT, " %s %d requests (%.2f/min, largest burst %d);", w.name(), w.requests(),
                    w.perMinute(), w.largestBurst()));
        }
        out.add(s.substring(0, s.length() - 1) + ".");
        out.add(String.format(Locale.ROOT, "Bursts (requests at most %d s apart): %d, largest %d, median %s requests.",
                in.burstGap().toSeconds(), bursts.count(), bursts.largest(), number(bursts.median())));
        out.add(String.format(Locale.ROOT, "Served: %s ready, %s after waiting for a preload still starting, %s cold "
                + "(%d requests).", percent(served.readyShare()), percent(served.waitedShare()), percent(served.coldShare()),
                served.requests()));
        out.add(String.format(Locale.ROOT, "Preloads held %.0f MiB on average (%.0f MiB·s over the recorded span, %d MiB "
                + "each).", meanHeld, mibSeconds, in.memoryMiB()));
    }

    private static void recommendation(List<String> out, long[] arrivals, PoolReplay.Result now, PoolReplay.Result advised,
            boolean met, Inputs in, Timings t) {
        out.add(String.format(Locale.ROOT, "Replaying the %d recorded requests: max %d (now) finds no ready preload for %s "
                + "of them (mean request to usable %.0f ms).", arrivals.length, now.max(), percent(now.missShare()),
                now.meanMs()));
        if (!met) {
            out.add(String.format(Locale.ROOT, "No max up to %d keeps misses under %s (bursts faster than refills); the "
                    + "limit misses %s.", PreloadFeatures.MAX_LIMIT, percent(in.missTarget()), percent(advised.missShare())));
            return;
        }
        String smaller = advised.max() == 0 ? "" : String.format(Locale.ROOT, "; max %d would miss %s",
                advised.max() - 1, percent(PoolReplay.replay(arrivals, advised.max() - 1, t.refills, t.readyMs, t.coldMs)
                        .missShare()));
        out.add(String.format(Locale.ROOT, "Max %d is the least memory that keeps misses at or under %s: it misses %s "
                + "(%d × %d MiB = %d MiB held%s).", advised.max(), percent(in.missTarget()), percent(advised.missShare()),
                advised.max(), in.memoryMiB(), advised.max() * in.memoryMiB(), smaller));
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, share > 0 && share < 0.1 ? "%.1f%%" : "%.0f%%", 100 * share);
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.1f", d);
    }
}
