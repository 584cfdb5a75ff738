package dispool.advice;

import java.util.ArrayList;
import java.util.List;

/**
 * What the advice chart draws ({@code dispool advice TEMPLATE --chart}, {@code bench traffic}),
 * carried in the advice's JSON so a client draws it without the history: the requests per time
 * bucket with the bursts marked, the memory preloads held over time, and the replay's misses for
 * each candidate {@code preload-dispvm-max} around the advised one.
 *
 * @param fromMs     start of the recorded span (history time, epoch ms)
 * @param toMs       its end (now)
 * @param bucketMs   width of one demand bucket
 * @param requests   requests per bucket, from {@code fromMs} on
 * @param bursts     the bursts (two requests or more, each at most the burst gap after the one before)
 * @param heldMiB    memory preloads held, a step at each change
 * @param candidates the replay of each candidate max, from 0 up
 * @param advisedMax the advised max (null: none yet)
 * @param currentMax preload-dispvm-max in effect
 * @param missTarget the share of misses the advice keeps under
 */
public record AdviceChartData(String template, long fromMs, long toMs, long bucketMs, int[] requests, List<Burst> bursts,
        List<Held> heldMiB, List<Candidate> candidates, Integer advisedMax, int currentMax, double missTarget) {

    /** Bucket widths tried, smallest first: the first that gives at most {@link #MAX_BUCKETS} buckets is used. */
    private static final long[] BUCKETS_MS = {10_000, 60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000};
    static final int MAX_BUCKETS = 120;
    /** Candidates beyond the larger of the advised and the current max: enough to see misses reach their floor. */
    static final int BEYOND = 3;

    public record Burst(long fromMs, long toMs, int requests) {
    }

    public record Held(long atMs, long mib) {
    }

    public record Candidate(int max, double missShare, double meanMs) {
    }

    static AdviceChartData of(String template, List<HistoryEntry> history, long fromMs, long toMs, long[] arrivals,
            long burstGapMs, long memoryMiB, List<Candidate> candidates, Integer advisedMax, int currentMax,
            double missTarget) {
        // a request is recorded when served: the first one's arrival can be before the history's first line
        fromMs = arrivals.length == 0 ? fromMs : Math.min(fromMs, arrivals[0]);
        toMs = arrivals.length == 0 ? toMs : Math.max(toMs, arrivals[arrivals.length - 1]);
        long bucket = BUCKETS_MS[BUCKETS_MS.length - 1];
        for (long b : BUCKETS_MS) {
            if ((toMs - fromMs) / b < MAX_BUCKETS) {
                bucket = b;
                break;
            }
        }
        int[] requests = new int[(int) ((toMs - fromMs) / bucket) + 1];
        for (long a : arrivals) {
            requests[(int) ((a - fromMs) / bucket)]++;
        }
        List<Held> held = new ArrayList<>();
        for (HistoryEntry e : history) {
            if (e.kind() == HistoryEntry.Kind.HELD) {
                held.add(new Held(e.at(), e.held() * memoryMiB));
            }
        }
        return new AdviceChartData(template, fromMs, toMs, bucket, requests, bursts(arrivals, burstGapMs), held,
                candidates, advisedMax, currentMax, missTarget);
    }

    private static List<Burst> bursts(long[] arrivals, long gapMs) {
        List<Burst> out = new ArrayList<>();
        int first = 0;
        for (int i = 1; i <= arrivals.length; i++) {
            if (i == arrivals.length || arrivals[i] - arrivals[i - 1] > gapMs) {
                if (i - first >= 2) {
                    out.add(new Burst(arrivals[first], arrivals[i - 1], i - first));
                }
                first = i;
            }
        }
        return out;
    }

    /** The candidates to replay: 0 up to a few past the larger of the advised and the current max, within the limit. */
    static int lastCandidate(Integer advisedMax, int currentMax, int limit) {
        return Math.min(limit, Math.max(advisedMax == null ? 0 : advisedMax, currentMax) + BEYOND);
    }
}
