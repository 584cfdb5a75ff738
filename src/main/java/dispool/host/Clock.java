package dispool.host;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one clock of a host and of the engine that drives it: monotonic, in host time.
 *
 * <p>A real host runs at scale 1. The simulator may run its world faster: at scale 100, a cold
 * start the latency model puts at 7 s takes 70 ms of wall time, and the engine's refill delay
 * of 3 s takes 30 ms, so every duration the engine and the host agree on stays consistent and
 * the tests never sleep for real seconds. All figures the engine reports (ages, timings) are in
 * host time.
 */
public final class Clock {

    private static final Clock SYSTEM = new Clock(1.0);

    private final double scale;
    private final long origin = System.nanoTime();
    private final boolean skippable;
    /** Host time added by {@link #skip}. */
    private volatile long skippedNanos;

    private Clock(double scale) {
        this(scale, false);
    }

    private Clock(double scale, boolean skippable) {
        this.scale = scale;
        this.skippable = skippable;
    }

    public static Clock system() {
        return SYSTEM;
    }

    /** A clock running {@code scale} times faster than wall time; must be in (0, 100000]. */
    public static Clock scaled(double scale) {
        if (!(scale > 0 && scale <= 100_000)) {
            throw new IllegalArgumentException("time scale " + scale + " refused: must be > 0 and <= 100000");
        }
        return scale == 1.0 ? SYSTEM : new Clock(scale);
    }

    /**
     * A scaled clock whose host time a test can move forward at once ({@link #skip}): for rules
     * that span host days (a disposable id is not reused for a week), which no test waits out.
     */
    public static Clock skippable(double scale) {
        return new Clock(scaled(scale).scale, true);
    }

    /**
     * Moves host time forward by {@code hostTime} at once. What waits in wall time (a scheduled
     * timer, a sleep under way) is not woken early: this moves the figures read from the clock.
     */
    public synchronized void skip(Duration hostTime) {
        if (!skippable) {
            throw new IllegalStateException("this clock cannot skip: make it with Clock.skippable(scale)");
        }
        skippedNanos += hostTime.toNanos();
    }

    public double scale() {
        return scale;
    }

    /** Host time in nanoseconds since this clock was made. */
    public long nanos() {
        return (long) ((System.nanoTime() - origin) * scale) + skippedNanos;
    }

    public long millis() {
        return TimeUnit.NANOSECONDS.toMillis(nanos());
    }

    /** Wall-clock nanoseconds that pass while {@code hostTime} passes on this clock. */
    public long toWallNanos(Duration hostTime) {
        return (long) (hostTime.toNanos() / scale);
    }

    /** Blocks for {@code hostTime} of host time. */
    public void sleep(Duration hostTime) throws InterruptedException {
        // parked, not TimeUnit.sleep: on JDK 17 that ends in Thread.sleep(ms, ns), which rounds any nanoseconds up
        // to a whole millisecond, so a step modelled shorter than a wall-clock millisecond lasted 1.1 ms
        long deadline = System.nanoTime() + toWallNanos(hostTime);
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted in a sleep of " + hostTime + " host time");
            }
        }
    }
}
