package dispool.advice;

import java.util.PriorityQueue;

/**
 * Replays recorded arrivals against a pool of fixed size, as Qubes R4.3 runs one: the pool starts
 * full; a request takes a ready preload when there is one and that slot refills (its refill
 * starts at the hand-out and takes the refill time, the delay included: Qubes stacks one refill
 * timer per hand-out); otherwise it waits for the slot whose refill ends first, and that slot
 * refills after it. With max 0 every request is a cold start. Refills run side by side without
 * slowing each other, so on a host that cannot sustain many parallel starts the replay is
 * optimistic; the refill time measured on the host already holds the contention it saw.
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
     * @param refillMs   a slot's refill time, delay included
     * @param readyMs    request → usable of a ready hand-out
     * @param coldMs     request → usable of a cold start
     */
    public static Result replay(long[] arrivalsMs, int max, double refillMs, double readyMs, double coldMs) {
        if (max < 0 || !(refillMs >= 0) || !(readyMs >= 0) || !(coldMs >= 0)) {
            throw new IllegalArgumentException("replay of max " + max + ", refill " + refillMs + " ms, ready " + readyMs
                    + " ms, cold " + coldMs + " ms refused: all must be >= 0");
        }
        double[] usable = new double[arrivalsMs.length];
        int ready = 0;
        int waited = 0;
        PriorityQueue<Double> slotsFreeAt = new PriorityQueue<>();
        for (int i = 0; i < max; i++) {
            slotsFreeAt.add(Double.NEGATIVE_INFINITY);
        }
        for (int i = 0; i < arrivalsMs.length; i++) {
            double t = arrivalsMs[i];
            if (max == 0) {
                usable[i] = coldMs;
                continue;
            }
            double free = slotsFreeAt.poll();
            if (free <= t) {
                ready++;
                usable[i] = readyMs;
                slotsFreeAt.add(t + refillMs);
            } else {
                waited++;
                usable[i] = free - t + readyMs;
                slotsFreeAt.add(free + refillMs);
            }
        }
        int cold = max == 0 ? arrivalsMs.length : 0;
        return new Result(max, ready, waited, cold, mean(usable), p95(usable));
    }

    /** The smallest max up to {@code limit} whose replay misses at most {@code target}; null if none does. */
    public static Result smallestMeeting(long[] arrivalsMs, double target, int limit, double refillMs, double readyMs,
            double coldMs) {
        for (int m = 0; m <= limit; m++) {
            Result r = replay(arrivalsMs, m, refillMs, readyMs, coldMs);
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
        java.util.Arrays.sort(s);
        return s[(int) Math.ceil(0.95 * s.length) - 1];
    }
}
