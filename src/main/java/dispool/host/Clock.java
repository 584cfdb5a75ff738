package dispool.host;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

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

    private Clock(double scale) {
        this.scale = scale;
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

    public double scale() {
        return scale;
    }

    /** Host time in nanoseconds since this clock was made. */
    public long nanos() {
        return (long) ((System.nanoTime() - origin) * scale);
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
        long wall = toWallNanos(hostTime);
        if (wall > 0) {
            TimeUnit.NANOSECONDS.sleep(wall);
        }
    }
}
