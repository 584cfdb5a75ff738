package dispool.bench;

import java.util.Arrays;

/**
 * Summary of a set of latencies: min, median, mean, p95, max. Percentiles interpolate linearly
 * between the two nearest ranks (numpy's default), so a median of 12 values is the mean of the
 * 6th and 7th, as in the figures computed for reference/qubes-perf.md.
 */
public record Stats(int count, double min, double median, double mean, double p95, double max) {

    public static Stats of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to summarize");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Stats(sorted.length, sorted[0], percentile(sorted, 0.5), Arrays.stream(sorted).average().orElseThrow(),
                percentile(sorted, 0.95), sorted[sorted.length - 1]);
    }

    /** The q-quantile (0..1) of sorted values, linear between the nearest ranks. */
    static double percentile(double[] sorted, double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile " + q + " refused: must be from 0 to 1");
        }
        double rank = q * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }
}
