package dispool.bench;

/**
 * How often a pool of a given max runs dry. A hand-out sends one slot of the pool to refill for
 * the refill time T; a request that comes while every slot is refilling finds no ready preload
 * (it waits for one still starting, or goes cold). With requests arriving at random at rate λ,
 * that is Erlang's loss system with max "servers" and offered load a = λ·T, and the chance a
 * request finds the pool empty is Erlang B(max, a), whatever the distribution of T.
 */
public final class PoolModel {

    private PoolModel() {
    }

    /** Erlang B: the chance that a request finds all {@code max} slots refilling, at offered load {@code a}. */
    public static double missProbability(int max, double offeredLoad) {
        if (max < 0 || !(offeredLoad >= 0)) {
            throw new IllegalArgumentException("max " + max + " and load " + offeredLoad + " refused: both must be >= 0");
        }
        double b = 1.0;
        for (int m = 1; m <= max; m++) {
            b = offeredLoad * b / (m + offeredLoad * b);
        }
        return b;
    }

    /** The smallest max (up to {@code limit}) whose miss probability is at most {@code target}; -1 if none. */
    public static int smallestMax(double offeredLoad, double target, int limit) {
        for (int m = 0; m <= limit; m++) {
            if (missProbability(m, offeredLoad) <= target) {
                return m;
            }
        }
        return -1;
    }
}
