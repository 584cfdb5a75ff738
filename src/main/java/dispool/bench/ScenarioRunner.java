package dispool.bench;

import dispool.pool.HandOut;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Runs scenarios the way Qubes' driver does: set the max, wait until the pool is full (or empty,
 * for a cold scenario) so timing starts from a settled pool, then send the requests back to back
 * or with N in flight; each request removes its disposable before the next (Qubes' {@code clean}).
 */
public final class ScenarioRunner {

    /** Told after each request, for a progress display. */
    public interface Progress {
        void step(Scenario scenario, Sample sample);
    }

    private final BenchTarget target;
    private final Duration settleTimeout;
    private final Duration poll;
    private final Progress progress;

    /**
     * @param settleTimeout host time a pool may take to fill or empty before the run fails
     * @param poll          wall time between looks at the pool while waiting for it
     */
    public ScenarioRunner(BenchTarget target, Duration settleTimeout, Duration poll, Progress progress) {
        this.target = target;
        this.settleTimeout = settleTimeout;
        this.poll = poll;
        this.progress = progress;
    }

    public ScenarioResult run(Scenario s) {
        settle(s);
        long start = System.nanoTime();
        List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(s.inFlight());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < s.inFlight(); i++) {
                running.add(callers.submit(() -> callLoop(s, next, start, samples)));
            }
            for (Future<?> f : running) {
                await(f, s);
            }
        } finally {
            callers.shutdownNow();
        }
        List<Sample> ordered = new ArrayList<>(samples);
        ordered.sort(Comparator.comparingInt(Sample::iteration));
        return ScenarioResult.of(s, ordered, hostMillis(System.nanoTime() - start));
    }

    private void callLoop(Scenario s, AtomicInteger next, long start, List<Sample> samples) {
        for (int i = next.getAndIncrement(); i < s.iterations(); i = next.getAndIncrement()) {
            long sent = System.nanoTime();
            HandOut h = target.handOut(s.template());
            long replied = System.nanoTime();
            target.remove(h.name());
            long removed = System.nanoTime();
            Sample sample = new Sample(i, h.name(), Sample.pathOf(h), h.usableAfterMs(), hostMillis(replied - sent),
                    hostMillis(removed - replied), hostMillis(sent - start));
            samples.add(sample);
            progress.step(s, sample);
        }
    }

    private static void await(Future<?> f, Scenario s) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(s.name() + ": interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(s.name() + ": a request failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Sets the scenario's max and waits for a full pool (preloaded) or an empty one (cold). */
    private void settle(Scenario s) {
        target.setMax(s.template(), s.preloadMax());
        Predicate<BenchTarget.PoolState> settled = s.preloaded() ? BenchTarget.PoolState::isFull : BenchTarget.PoolState::isEmpty;
        long deadline = System.nanoTime() + (long) (settleTimeout.toNanos() / target.timeScale());
        BenchTarget.PoolState state = target.pool(s.template());
        while (!settled.test(state)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(s.name() + ": the pool of " + s.template() + " did not become "
                        + (s.preloaded() ? "full" : "empty") + " within " + settleTimeout.toSeconds()
                        + " s of host time (--settle-timeout); last seen: " + state);
            }
            sleep(poll);
            state = target.pool(s.template());
        }
    }

    private double hostMillis(long wallNanos) {
        return wallNanos * target.timeScale() / 1e6;
    }

    private static void sleep(Duration d) {
        try {
            TimeUnit.NANOSECONDS.sleep(d.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a pool", e);
        }
    }
}
