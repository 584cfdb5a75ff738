package dispool.pool;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before trying again after failures: exponential, capped, with jitter so that
 * things failing together do not retry together. The one retry policy of the engine: a pool's
 * next preload attempt, a removal the host refused, a reconcile that failed, a lost host event
 * stream. The policy is immutable and shared; each retrying thing keeps its own {@link State}
 * (or attempt count), reset by its next success.
 */
public record Backoff(Duration initial, double multiplier, Duration cap, double jitter) {

    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(2), 2.0, Duration.ofMinutes(5), 0.1);

    public Backoff {
        if (initial.isNegative() || initial.isZero() || multiplier < 1 || cap.compareTo(initial) < 0 || jitter < 0) {
            throw new IllegalArgumentException("backoff " + initial + " x" + multiplier + " cap " + cap
                    + " refused: need initial > 0, multiplier >= 1, cap >= initial, jitter >= 0");
        }
    }

    /** The wait before the attempt after {@code failures} failures in a row (≥ 1), host time. */
    public Duration delay(int failures) {
        double base = initial.toNanos() * Math.pow(multiplier, Math.max(0, failures - 1));
        double capped = Math.min(base, cap.toNanos());
        double spread = 1 + jitter * ThreadLocalRandom.current().nextDouble();
        return Duration.ofNanos((long) Math.min(capped * spread, cap.toNanos()));
    }

    /** Per-pool retry state: attempts since the last success and when the next may start. */
    static final class State {
        private final Backoff policy;
        private int failures;
        private long notBeforeNanos;

        State(Backoff policy) {
            this.policy = policy;
        }

        synchronized void failed(long nowNanos) {
            failures++;
            notBeforeNanos = nowNanos + policy.delay(failures).toNanos();
        }

        synchronized void succeeded() {
            failures = 0;
            notBeforeNanos = 0;
        }

        synchronized int failures() {
            return failures;
        }

        /** Host-time nanoseconds until the next attempt may start; 0 when it may start now. */
        synchronized long waitNanos(long nowNanos) {
            return Math.max(0, notBeforeNanos - nowNanos);
        }
    }
}
