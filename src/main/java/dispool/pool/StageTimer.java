package dispool.pool;

import dispool.host.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** Times the stages of one hand-out in host time, in milliseconds with 0.1 ms resolution. */
final class StageTimer {

    private final Clock clock;
    private final long startNanos;
    private long lapNanos;
    private final Map<String, Double> stages = new LinkedHashMap<>();

    StageTimer(Clock clock) {
        this.clock = clock;
        this.startNanos = clock.nanos();
        this.lapNanos = startNanos;
    }

    void lap(String stage) {
        long now = clock.nanos();
        stages.merge(stage, millis(now - lapNanos), Double::sum);
        lapNanos = now;
    }

    Map<String, Double> stages() {
        return stages;
    }

    double totalMillis() {
        return millis(clock.nanos() - startNanos);
    }

    /** From the start to the last lap: what the stages took, without what ran after them. */
    double lappedMillis() {
        return millis(lapNanos - startNanos);
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 100_000.0) / 10.0;
    }
}
