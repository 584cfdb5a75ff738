package dispool.chaos;

import dispool.pool.DispoolEngine;
import dispool.pool.PoolView;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Checks, on a thread of its own every 2 ms (wall), that no pool holds more free preloads (starting
 * or ready) than the highest preload-dispvm-max it had in the last {@code grace}: a lowered max's
 * excess is discarded, not killed at once. Preloads claimed for a hand-out or a removal no longer count.
 */
final class MaxWatch implements AutoCloseable {

    private final DispoolEngine engine;
    private final long graceNanos;
    private final Consumer<String> violation;
    private final AtomicLong samples = new AtomicLong();
    private final Thread sampler = new Thread(this::sample, "chaos-max-sampler");

    MaxWatch(DispoolEngine engine, Duration grace, Consumer<String> violation) {
        this.engine = engine;
        this.graceNanos = grace.toNanos();
        this.violation = violation;
        sampler.setDaemon(true);
        sampler.start();
    }

    /** How many times every pool was looked at. */
    long samples() {
        return samples.get();
    }

    private void sample() {
        Map<String, TreeMap<Long, Integer>> history = new HashMap<>();
        while (!Thread.currentThread().isInterrupted()) {
            long now = System.nanoTime();
            for (PoolView v : engine.pools()) {
                check(v, history.computeIfAbsent(v.template(), t -> new TreeMap<>()), now);
            }
            samples.incrementAndGet();
            try {
                TimeUnit.MILLISECONDS.sleep(2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void check(PoolView v, TreeMap<Long, Integer> maxes, long now) {
        maxes.put(now, v.max());
        maxes.headMap(now - graceNanos).clear();
        int allowed = maxes.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        int held = v.ready() + v.starting();
        if (held > allowed && maxes.firstKey() < now - graceNanos / 2) {
            violation.accept("max exceeded: " + v.template() + " holds " + held + " preloads, max " + v.max()
                    + " (the highest in the last " + TimeUnit.NANOSECONDS.toMillis(graceNanos) + " ms: " + allowed + ")");
        }
    }

    @Override
    public void close() throws InterruptedException {
        sampler.interrupt();
        sampler.join();
    }
}
