package dispool.advice;

import java.util.Arrays;

/**
 * Replays recorded arrivals against a pool of fixed size, as Qubes R4.3 runs one: the pool starts
 * full; a request takes a ready preload when there is one and that slot refills (after
 * {@code preload-dispvm-delay} its boot starts: Qubes stacks one refill timer per hand-out);
 * otherwise it waits for the next boot to finish, and that slot refills after it. With max 0
 * every request is a cold start. Boots under way at once share the host as {@link Refills} says:
 * a burst's refills started together each take longer than one alone, as they do on the host.
 *
 * <p>Unlike Erlang's loss system of {@code bench/PoolModel}, a request that misses is not lost: it
 * takes the next slot to finish and so delays the requests after it, as in dispool and in Qubes.
 * And it runs on the real trace instead of a Poisson stream: bursts and quiet hours count as they
 * happened.
 */
public final class PoolReplay {

    private PoolReplay() {
    }

    /**
     * What the pool would have done.
     *
     * @param ready   requests that found a ready preload
     * @param waited  requests that waited for a refill
     * @param cold    requests served cold (max 0)
     * @param meanMs  mean request → usable time, host ms
     * @param p95Ms   95th percentile of it
     */
    public record Result(int max, int ready, int waited, int cold, double meanMs, double p95Ms) {

        public int requests() {
            return ready + waited + cold;
        }

        /** Share of requests that found no ready preload. */
        public double missShare() {
            return requests() == 0 ? 0 : (double) (waited + cold) / requests();
        }
    }

    /**
     * @param arrivalsMs request times in ms, ascending
     * @param refills    a refill's delay and boot, and how boots under way at once slow each other
     * @param readyMs    request → usable of a ready hand-out
     * @param coldMs     request → usable of a cold start
     */
    public static Result replay(long[] arrivalsMs, int max, Refills refills, double readyMs, double coldMs) {
        if (max < 0 || !(readyMs >= 0) || !(coldMs >= 0)) {
            throw new IllegalArgumentException("replay of max " + max + ", ready " + readyMs + " ms, cold " + coldMs
                    + " ms refused: all must be >= 0");
        }
        double[] usable = new double[arrivalsMs.length];
        if (max == 0) {
            Arrays.fill(usable, coldMs);
            return new Result(0, 0, 0, arrivalsMs.length, mean(usable), p95(usable));
        }
        ReplayedPool pool = new ReplayedPool(max, refills, arrivalsMs, usable, readyMs);
        int ready = 0;
        for (int i = 0; i < arrivalsMs.length; i++) {
            pool.advanceTo(arrivalsMs[i]);
            if (pool.handOut(i)) {
                ready++;
            }
        }
        pool.advanceTo(Double.POSITIVE_INFINITY);
        return new Result(max, ready, arrivalsMs.length - ready, 0, mean(usable), p95(usable));
    }

    /** The smallest max up to {@code limit} whose replay misses at most {@code target}; null if none does. */
    public static Result smallestMeeting(long[] arrivalsMs, double target, int limit, Refills refills, double readyMs,
            double coldMs) {
        for (int m = 0; m <= limit; m++) {
            Result r = replay(arrivalsMs, m, refills, readyMs, coldMs);
            if (r.missShare() <= target) {
                return r;
            }
        }
        return null;
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return v.length == 0 ? 0 : sum / v.length;
    }

    private static double p95(double[] v) {
        if (v.length == 0) {
            return 0;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.ceil(0.95 * s.length) - 1];
    }
}
