package dispool.host;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before trying again after failures: exponential, capped, with jitter so that
 * things failing together do not retry together. The one retry policy of dispool: a pool's next
 * preload attempt, a removal the host refused, a reconcile that failed, the engine's
 * resubscription to host events, the qubesd adapter's reconnection of {@code admin.Events}, and
 * {@code dispool top}'s reconnection to the service's event stream.
 * It lives in {@code host/}, the lowest layer, so the adapters and the engine share it. The
 * policy is immutable and shared; each retrying thing keeps its own {@link State} (or attempt
 * count), reset by its next success.
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

    /** Doubling from {@code initial} up to {@code cap}, with 10% jitter. */
    public static Backoff doubling(Duration initial, Duration cap) {
        return new Backoff(initial, 2.0, cap, 0.1);
    }

    /** Retry state of one retrying thing: attempts since the last success and when the next may start. */
    public static final class State {
        private final Backoff policy;
        private int failures;
        private long notBeforeNanos;

        public State(Backoff policy) {
            this.policy = policy;
        }

        public synchronized void failed(long nowNanos) {
            failures++;
            notBeforeNanos = nowNanos + policy.delay(failures).toNanos();
        }

        public synchronized void succeeded() {
            failures = 0;
            notBeforeNanos = 0;
        }

        public synchronized int failures() {
            return failures;
        }

        /** Host-time nanoseconds until the next attempt may start; 0 when it may start now. */
        public synchronized long waitNanos(long nowNanos) {
            return Math.max(0, notBeforeNanos - nowNanos);
        }
    }
}
