package dispool.pool;

/**
 * The adaptive policy's arithmetic of requests that come at random (Poisson) times: how large a
 * pool keeps waits rare, and how many requests close together are more than chance.
 */
final class PoissonDemand {

    private PoissonDemand() {
    }

    /**
     * The smallest pool (at most {@code limit}) in which a request waits with probability at most
     * {@code target}, at offered load {@code a}: Erlang C, from Erlang B's recurrence.
     */
    static int smallestPool(double a, double target, int limit) {
        if (a <= 0) {
            return 0; // no demand: no request waits
        }
        double b = 1.0;
        for (int m = 1; m <= limit; m++) {
            b = a * b / (m + a * b);
            double waits = a >= m ? 1.0 : m * b / (m - a * (1 - b));
            if (waits <= target) {
                return m;
            }
        }
        return limit;
    }

    /**
     * The exact one-sided upper confidence bound on a Poisson mean from {@code count} events: the
     * mean at which {@code count} or fewer come with a chance of only {@code 1 - confidence}. A
     * rate counted over minutes rests on a handful of requests, and a pool sized on the point
     * estimate is too small whenever the count fell short of the true rate (Garwood's exact
     * interval).
     */
    static double upperMean(int count, double confidence) {
        double tail = 1 - confidence;
        double lo = count;
        double hi = count + 2 + 4 * Math.sqrt(count + 1.0);
        while (atMost(count, hi) > tail) {
            hi *= 2;
        }
        for (int i = 0; i < 60 && hi - lo > 1e-9 * hi; i++) {
            double mid = (lo + hi) / 2;
            if (atMost(count, mid) > tail) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /** P(N ≤ n) for N Poisson with mean {@code mean}; the terms in logs, so large means do not underflow. */
    static double atMost(int n, double mean) {
        double logTerm = -mean;
        double sum = Math.exp(logTerm);
        for (int k = 1; k <= n; k++) {
            logTerm += Math.log(mean / k);
            sum += Math.exp(logTerm);
        }
        return Math.min(1, sum);
    }

    /**
     * The mean of random (Poisson) counts from the share of them that were 0: P(0) = e^-mean. It
     * stays true at means far below 1, where the median count is 0; 0 when every count was 0 or
     * none was (then the counts themselves tell more).
     */
    static double meanFromEmptyShare(int empty, int counts) {
        return empty == 0 || empty >= counts ? 0 : -Math.log((double) empty / counts);
    }

    /**
     * Requests within a window that make a burst over a background of {@code background} per
     * window: at least {@code atLeast}, and so many that random arrivals at the background reach
     * them with a chance under {@code chance}.
     */
    static int burstThreshold(double background, double chance, int atLeast) {
        double term = Math.exp(-background);
        double below = term;
        int k = 1;
        while (1 - below >= chance) {
            term *= background / k;
            below += term;
            k++;
        }
        return Math.max(atLeast, k);
    }
}
