package dispool.pool;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a pool waits before its next preload attempt after failures: exponential, capped,
 * with jitter so that pools failing together do not retry together. The policy is immutable and
 * shared; each pool keeps its own {@link State}, reset by its next success.
 */
public record Backoff(Duration initial, double multiplier, Duration cap, double jitter) {

    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(2), 2.0, Duration.ofMinutes(5), 0.1);

    public Backoff {
        if (initial.isNegative() || initial.isZero() || multiplier < 1 || cap.compareTo(initial) < 0 || jitter < 0) {
            throw new IllegalArgumentException("backoff " + initial + " x" + multiplier + " cap " + cap
                    + " refused: need initial > 0, multiplier >= 1, cap >= initial, jitter >= 0");
        }
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
            double base = policy.initial.toNanos() * Math.pow(policy.multiplier, failures - 1);
            double capped = Math.min(base, policy.cap.toNanos());
            double spread = 1 + policy.jitter * ThreadLocalRandom.current().nextDouble();
            notBeforeNanos = nowNanos + (long) Math.min(capped * spread, policy.cap.toNanos());
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
