package dispool.bench;

import dispool.advice.Demand;
import dispool.advice.HistoryEntry;
import dispool.advice.HistoryRecorder;
import dispool.advice.HistoryStore;
import dispool.pool.DispoolException;
import dispool.pool.HandOut;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs a {@link Traffic} scenario on a fresh in-process engine and its host (the simulator at its
 * time scale, or QEMU in real time): sets the pools' maxes, lets them fill for a warm-up of host
 * time (longer while a pool is still starting preloads toward its want, up to {@link #FILL_MORE_MS}),
 * then sends each request at its time (no more than the scenario's in-flight limit at
 * once), removes each disposable as soon as it is handed out (Qubes' {@code clean}), and records
 * the engine's events into a hand-out history, from which the memory held by preloads over the
 * run (MiB·s) is computed as the live advice does.
 */
public final class TrafficRunner {

    /** Host time a refused request waits before it is made again. */
    static final long RETRY_MS = 1_000;

    private final Duration warmUp;

    /** @param warmUp host time the pools get to fill before the first request */
    public TrafficRunner(Duration warmUp) {
        this.warmUp = warmUp;
    }

    /**
     * The result, the history the run recorded (for live advice on it), the pool at each burst's
     * start, and the target's host time when the first request was due (samples' {@code startMs}
     * count from it).
     */
    public record Run(TrafficResult result, HistoryStore history, long startHistoryMs, long endHistoryMs,
            List<BurstLog.Row> bursts, long startHostMs) {
    }

    public Run run(Traffic traffic, String policy, Supplier<? extends EngineTarget> targets) {
        try (EngineTarget target = targets.get()) {
            HistoryStore history = HistoryStore.inMemory(1_000_000);
            HistoryRecorder recorder = new HistoryRecorder(history, target::hostMillis, 0);
            target.events().addListener(recorder);
            traffic.maxesFor(policy).forEach(target::setMax);
            sleepHost(target, warmUp.toMillis());
            fillFirst(target, traffic.maxesFor(policy).keySet());
            long start = target.hostMillis();
            AtomicInteger refused = new AtomicInteger();
            List<BurstLog.Row> bursts = new ArrayList<>();
            List<Sample> samples = send(traffic, target, refused,
                    (burst, atMs) -> bursts.addAll(BurstLog.before(traffic, policy, burst, atMs, target)));
            long end = target.hostMillis();
            long from = recorder.toHistoryMillis(start);
            long to = recorder.toHistoryMillis(end);
            return new Run(result(traffic, policy, samples, history, target, from, to, refused.get()), history, from,
                    to, BurstLog.served(traffic, bursts, samples), start);
        }
    }

    /** Told just before a burst's first request is sent: the burst's number (1-based) and its time from the start. */
    private interface BurstStart {
        void at(int burst, long atMs);
    }

    private static List<Sample> send(Traffic traffic, EngineTarget target, AtomicInteger refused, BurstStart onBurst) {
        List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        ExecutorService callers = Executors.newCachedThreadPool();
        Semaphore inFlight = new Semaphore(traffic.inFlight() > 0 ? traffic.inFlight() : Integer.MAX_VALUE);
        long start = target.hostMillis();
        try {
            List<Traffic.Arrival> arrivals = traffic.arrivals();
            List<Integer> bursts = BurstLog.starts(arrivals);
            for (int i = 0; i < arrivals.size(); i++) {
                Traffic.Arrival a = arrivals.get(i);
                sleepHost(target, start + a.atMs() - target.hostMillis());
                if (bursts.contains(i)) {
                    onBurst.at(bursts.indexOf(i) + 1, a.atMs());
                }
                acquire(inFlight);
                int iteration = i;
                callers.execute(() -> {
                    try {
                        samples.add(call(target, a, iteration, start, refused));
                    } finally {
                        inFlight.release();
                    }
                });
            }
            callers.shutdown();
            awaitAll(callers);
        } finally {
            callers.shutdownNow();
        }
        List<Sample> ordered = new ArrayList<>(samples);
        ordered.sort(Comparator.comparingInt(Sample::iteration));
        if (ordered.size() != traffic.arrivals().size()) {
            throw new IllegalStateException(traffic.name() + ": " + (traffic.arrivals().size() - ordered.size())
                    + " requests failed (see the log)");
        }
        return ordered;
    }

    /**
     * One request as a user makes it: refused for memory or for too many cold starts at once, it
     * is made again a second later (as a retrying caller would), and the time refused counts in
     * its request → usable.
     */
    private static Sample call(EngineTarget target, Traffic.Arrival a, int iteration, long start, AtomicInteger refused) {
        long sent = target.hostMillis();
        while (true) {
            long attempt = target.hostMillis();
            try {
                HandOut h = target.handOut(a.template());
                long replied = target.hostMillis();
                target.remove(h.name());
                return new Sample(iteration, h.name(), Sample.pathOf(h), h.usableAfterMs() + (attempt - sent),
                        replied - sent, target.hostMillis() - replied, sent - start);
            } catch (DispoolException e) {
                if (e.kind() != DispoolException.Kind.BUSY && e.kind() != DispoolException.Kind.INSUFFICIENT_MEMORY) {
                    throw e;
                }
                refused.incrementAndGet();
                sleepHost(target, RETRY_MS);
            }
        }
    }

    private static TrafficResult result(Traffic traffic, String policy, List<Sample> samples, HistoryStore history,
            EngineTarget target, long start, long end, int refused) {
        // start and end are history times: the recorder's clock, like the entries
        double mibSeconds = 0;
        Map<String, Double> heldMean = new LinkedHashMap<>();
        Map<String, Stats> perTemplate = new LinkedHashMap<>();
        for (String t : traffic.maxes().keySet()) {
            List<HistoryEntry> h = history.entries(t);
            double preloadSeconds = Demand.preloadSeconds(h, start, end);
            mibSeconds += preloadSeconds * target.pool(t).memoryMiB();
            heldMean.put(t, preloadSeconds * 1000 / Math.max(1, end - start));
            double[] ms = new double[samples.size()];
            int n = 0;
            for (int i = 0; i < samples.size(); i++) {
                if (traffic.arrivals().get(i).template().equals(t)) {
                    ms[n++] = samples.get(i).usableAfterMs();
                }
            }
            if (n > 0) {
                perTemplate.put(t, Stats.of(java.util.Arrays.copyOf(ms, n)));
            }
        }
        ScenarioResult r = ScenarioResult.of(new Scenario(traffic.name(), "", 0, Math.max(1, traffic.inFlight()),
                samples.size()), samples, end - start);
        return new TrafficResult(traffic, policy, samples, r.stats(), r.ready(), r.waited(), r.cold(), end - start,
                mibSeconds, heldMean, perTemplate, refused);
    }

    /**
     * Host time the warm-up goes on past {@code warmUp} while a pool still starts preloads toward its
     * want. A pool that has seen no request wants its max, and the adaptive policy's first fill
     * starts only what the host has been measured to sustain (from 2 at once): 12 preloads took
     * about the 60 s warm-up, and whether bench traffic's first burst met 12 ready or 7 was a draw
     * of the seed and the machine's load, the same build's first burst 0 of 12 not ready at one
     * run and 5–8 at the next.
     */
    static final long FILL_MORE_MS = 60_000;

    /** Waits, at most {@link #FILL_MORE_MS}, while a pool has fewer ready than it wants and starts under way. */
    private static void fillFirst(EngineTarget target, Set<String> templates) {
        long until = target.hostMillis() + FILL_MORE_MS;
        while (target.hostMillis() < until && templates.stream().map(target::view)
                .anyMatch(v -> v.ready() < v.want() && v.starting() > 0)) {
            sleepHost(target, 1_000);
        }
    }

    private static void sleepHost(EngineTarget target, long hostMs) {
        if (hostMs <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep((long) (hostMs * 1e6 / target.timeScale()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a traffic scenario ran", e);
        }
    }

    private static void acquire(Semaphore s) {
        try {
            s.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a traffic scenario ran", e);
        }
    }

    private static void awaitAll(ExecutorService callers) {
        try {
            if (!callers.awaitTermination(1, TimeUnit.HOURS)) {
                throw new IllegalStateException("traffic scenario: requests still running after an hour of wall time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a traffic scenario ran", e);
        }
    }
}
