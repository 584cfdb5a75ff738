package dispool.pool;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * When the next burst of a pool is due and how large it will be, from the bursts it had: bursts
 * that come back at a regular period (a script's batch, a user's routine) are preloaded for ahead
 * of time, so a whole burst finds its preloads ready; irregular ones are not predicted (preloading
 * for them would hold memory at the wrong times).
 *
 * <p>The model: period = the median gap between the starts of the last {@link #GAPS} bursts;
 * regular when the gaps differ by at most {@code regularity} of the period (one gap is taken as
 * it is: a wrong guess costs one pre-warm); size = the median size of those bursts. The next
 * burst is due at the last start plus a whole number of periods (a skipped burst does not end the
 * forecast, three do); the pool is brought up {@code lead} before and kept until
 * {@code tolerance} after.
 *
 * @param dueNanos  when the next burst should start
 * @param size      how many requests it should bring
 * @param periodNanos the bursts' period
 * @param gaps      the gaps it was drawn from: one is a guess, two that agree a pattern
 */
record BurstForecast(long dueNanos, int size, long periodNanos, int gaps) {

    /** Bursts looked at for the period and the size. */
    static final int GAPS = 4;
    /** Periods a forecast carries past its last burst. */
    static final int MISSES = 3;

    /** Whether two gaps or more agree on the period (one gap fits any two bursts, even random ones). */
    boolean confirmed() {
        return gaps >= 2;
    }

    /** Whether {@code nowNanos} is within the pre-warm window: from {@code lead} before due to {@code tolerance} after. */
    boolean covers(long nowNanos, long leadNanos, long toleranceNanos) {
        return nowNanos >= dueNanos - leadNanos && nowNanos <= dueNanos + toleranceNanos;
    }

    /**
     * The forecast from the closed bursts (oldest first), or empty: fewer than two, irregular, or
     * the last one more than {@link #MISSES} periods ago.
     */
    static Optional<BurstForecast> of(List<DemandEstimate.Burst> closed, long nowNanos, double regularity,
            long toleranceNanos) {
        if (closed.size() < 2) {
            return Optional.empty();
        }
        List<DemandEstimate.Burst> last = closed.subList(Math.max(0, closed.size() - GAPS - 1), closed.size());
        long[] gaps = new long[last.size() - 1];
        int[] sizes = new int[last.size()];
        for (int i = 0; i < last.size(); i++) {
            sizes[i] = last.get(i).size();
            if (i > 0) {
                gaps[i - 1] = last.get(i).startNanos() - last.get(i - 1).startNanos();
            }
        }
        Arrays.sort(gaps);
        Arrays.sort(sizes);
        long period = gaps[gaps.length / 2];
        if (period <= 0 || gaps[gaps.length - 1] - gaps[0] > regularity * period) {
            return Optional.empty();
        }
        long due = last.get(last.size() - 1).startNanos() + period;
        for (int n = 1; due + toleranceNanos < nowNanos; n++) {
            if (n >= MISSES) {
                return Optional.empty();
            }
            due += period;
        }
        return Optional.of(new BurstForecast(due, sizes[sizes.length / 2], period, gaps.length));
    }
}
