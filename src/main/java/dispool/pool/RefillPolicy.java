package dispool.pool;

import java.time.Duration;

/**
 * Decides how many preloads a pool wants and when to start them; the reconciler does the rest
 * (backoff after failures, the memory gate, starting and removing). The engine tells the policy
 * what happened, with the host time ({@code nowNanos}); the policy keeps its timers in
 * {@link Pool#refill}.
 */
interface RefillPolicy {

    /** A request for a disposable of the pool arrived, before it claims anything. */
    void requested(Pool pool, long nowNanos);

    /** A preload left the pool to a user: handed out, or unpaused outside dispool. */
    void used(Pool pool, long nowNanos);

    /** Something that refills at once: a knob changed, the service started, the host resumed. */
    void refillNow(Pool pool, long nowNanos);

    /** Preloads were discarded as outdated; refill after {@code delay}. */
    void refillAfter(Pool pool, Duration delay, long nowNanos);

    /** How many preloads the pool wants, free ones counted (ready or starting). */
    int want(PoolSettings settings);

    /** The same for one pool at a reconcile ({@code pool.settings} just read): a policy may look at its demand. */
    default int want(Pool pool, long nowNanos) {
        return want(pool.settings);
    }

    /**
     * Whether to fill a gap now, and when a timer of the policy wakes next (null: none sleeps;
     * the pool then waits for a trigger unless it fills now).
     */
    Plan plan(Pool pool, long nowNanos);

    /**
     * The answer of {@link #plan}. {@code maxStarts}: how many preloads the pool may start now,
     * the rest of the gap following as starts finish ({@link #UNLIMITED}: the whole gap at once, as
     * R4.3); {@code startsReason} says why in words (null when unlimited).
     */
    record Plan(boolean fillNow, Duration askAgainAfter, int maxStarts, String startsReason) {

        static final int UNLIMITED = Integer.MAX_VALUE;

        Plan(boolean fillNow, Duration askAgainAfter) {
            this(fillNow, askAgainAfter, UNLIMITED, null);
        }

        /** The same plan, asking again after {@code after}. */
        Plan askingAgainAfter(Duration after) {
            return new Plan(fillNow, after, maxStarts, startsReason);
        }

        /** The same plan, starting at most {@code max} at once. */
        Plan limitedTo(int max, String reason) {
            return new Plan(fillNow, askAgainAfter, Math.max(0, max), reason);
        }
    }
}
