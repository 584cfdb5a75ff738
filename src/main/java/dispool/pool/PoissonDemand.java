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
