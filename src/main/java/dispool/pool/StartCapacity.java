package dispool.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * How many preloads the host starts at once before more only slow each other down, measured
 * from the engine's own events, host-wide: every template's boots share the same CPUs. Starting a
 * whole gap at once (R4.3) makes every boot of a burst slow; starting one at a time wastes the
 * cores. The adaptive policy starts at most what this says, the rest as starts finish.
 *
 * <p>The model, its parameters below:
 * <ul>
 * <li>A start runs from {@code PRELOAD_STARTED} to {@code PRELOAD_READY}. Its <em>level</em> is
 *     the number of boots under way host-wide while it ran, itself included, averaged over its
 *     run (rounded): preloads starting (those whose qube is still being created too: they are
 *     about to boot) and cold starts of hand-outs, which share the same CPUs. Not the number
 *     when it began: one begun among nine that mostly finished before it ran beside fewer, and
 *     counted at nine it made nine look faster than it is (the estimate then crept up, and a
 *     pre-warm started all at once held its preloads longer than a wave at a time).</li>
 * <li>Per level the last {@link #KEPT_PER_LEVEL} times are kept (the host's load changes); a level
 *     is known from {@link #MIN_SAMPLES} on. Its throughput is level / median time: starts
 *     finished per second while the host keeps that many going.</li>
 * <li>The host sustains the known level of best throughput, walking up from the lowest: a level
 *     counts only when it gains at least {@link #MARGIN} over the best below it. On a host whose
 *     CPUs are full a level more gains nothing but slower boots; a gain under the margin is
 *     within the noise of a few samples.</li>
 * <li>Until the level above the best is known the engine probes it (starts one more at once), so
 *     it finds where the gain ends; before any level is known it starts {@link #DEFAULT_AT_ONCE}.</li>
 * <li>Failed starts give no sample (a failure's time says nothing about a boot), nor do starts
 *     that ended otherwise: handed out while starting, discarded, removed.</li>
 * </ul>
 * Cold starts count as under way but give no sample: their time includes the hand-out.
 */
final class StartCapacity implements Consumer<PoolEvent> {

    /**
     * Starts at once before any level is measured: two boots gain on any host with two cores or
     * more, and Qubes' own laptop gained 2.6× with four (reference/qubes-perf.md §4), so the first
     * probes go up from here rather than down.
     */
    static final int DEFAULT_AT_ONCE = 2;
    /** Samples before a level's median counts. */
    static final int MIN_SAMPLES = 3;
    /** Samples kept per level, newest. */
    static final int KEPT_PER_LEVEL = 16;
    /** The throughput gain over the best level below that a higher level needs to count. */
    static final double MARGIN = 0.10;
    /** The highest level measured or probed; starts begun above it give no sample. */
    static final int MAX_LEVEL = 16;

    /** One start under way: when it began (host ms), and the boots under way summed over time until then. */
    private record Begun(long atMillis, double levelMillisAtBegin) {
    }

    /** What the measurements say: how many to start at once, and why in words. */
    record Estimate(int atOnce, String reason) {
    }

    private final IntSupplier underWay;
    private final Map<String, Begun> begun = new HashMap<>();
    /** Start → ready times in host ms per level; guarded by {@code this}. */
    private final Map<Integer, Deque<Long>> millisByLevel = new HashMap<>();
    /** The boots under way summed over host time (level × ms) up to {@link #sumAtMillis}; guarded by {@code this}. */
    private double levelMillis;
    private long sumAtMillis = Long.MIN_VALUE;
    private int levelSince;

    /** @param underWay the boots under way host-wide now: every pool's preloads starting, and the cold starts */
    StartCapacity(IntSupplier underWay) {
        this.underWay = underWay;
    }

    @Override
    public synchronized void accept(PoolEvent e) {
        if (e.qube() == null) {
            return;
        }
        double sum = levelMillisAt(e.atMillis());
        switch (e.type()) {
            case PRELOAD_STARTED -> begun.put(e.qube(), new Begun(e.atMillis(), sum));
            case PRELOAD_READY -> {
                Begun b = begun.remove(e.qube());
                if (b != null) {
                    long millis = e.atMillis() - b.atMillis();
                    double mean = millis > 0 ? (sum - b.levelMillisAtBegin()) / millis : levelSince;
                    add(Math.max(1, (int) Math.round(mean)), millis);
                }
            }
            case HANDED_OUT, PRELOAD_FAILED, PRELOAD_DISCARDED, QUBE_REMOVED, USED_ELSEWHERE -> begun.remove(e.qube());
            default -> { }
        }
        levelSince = underWay.getAsInt();
    }

    /**
     * The boots under way summed over host time up to {@code atMillis}: the level read at the
     * last event held until this one (every start and every end is an event). Events a thread
     * publishes a little late add nothing for the time already summed.
     */
    private double levelMillisAt(long atMillis) {
        if (sumAtMillis != Long.MIN_VALUE && atMillis > sumAtMillis) {
            levelMillis += (double) levelSince * (atMillis - sumAtMillis);
        }
        sumAtMillis = Math.max(sumAtMillis, atMillis);
        return levelMillis;
    }

    private void add(int level, long millis) {
        if (level > MAX_LEVEL) {
            return;
        }
        Deque<Long> d = millisByLevel.computeIfAbsent(level, l -> new ArrayDeque<>());
        d.addLast(millis);
        while (d.size() > KEPT_PER_LEVEL) {
            d.removeFirst();
        }
    }

    /**
     * How long a start takes, seconds, when {@code level} begin at once: the median measured there,
     * or, not measured yet (a probe), the nearest measured level below scaled by
     * {@code level / that} (past what it sustains the host shares its CPUs); NaN when none below is.
     */
    synchronized double secondsAt(int level) {
        for (int l = Math.min(level, MAX_LEVEL); l >= 1; l--) {
            double median = medianSeconds(l);
            if (!Double.isNaN(median)) {
                return median * Math.max(1.0, (double) level / l);
            }
        }
        return Double.NaN;
    }

    /** The plan, starting at most what the host sustains less the boots already under way. */
    RefillPolicy.Plan limit(RefillPolicy.Plan plan) {
        Estimate e = estimate();
        int under = underWay.getAsInt();
        return plan.limitedTo(e.atOnce() - under, e.reason() + (under > 0 ? ", " + under + " under way" : ""));
    }

    /** How many starts to keep going at once, from the measurements so far (see the class comment). */
    synchronized Estimate estimate() {
        int best = 0;
        double bestRate = 0;
        for (int level = 1; level <= MAX_LEVEL; level++) {
            double median = medianSeconds(level);
            if (!Double.isNaN(median) && (best == 0 || level / median >= bestRate * (1 + MARGIN))) {
                best = level;
                bestRate = level / median;
            }
        }
        if (best == 0) {
            return new Estimate(DEFAULT_AT_ONCE, "no start measured yet: " + DEFAULT_AT_ONCE + " at once to begin with");
        }
        int above = best + 1;
        if (above <= MAX_LEVEL && Double.isNaN(medianSeconds(above))) {
            return new Estimate(above, "probing " + above + " at once (measured: " + measured(best) + "; " + above
                    + " not yet)");
        }
        return new Estimate(best, "the host sustains " + best + " at once (measured: " + measured(best) + ")");
    }

    /** "3 at once → 7.2 s each, 4 → 9.6 s": the best level and the one above it, when known. */
    private String measured(int best) {
        List<String> parts = new ArrayList<>();
        parts.add(String.format(Locale.ROOT, "%d at once → %.1f s each", best, medianSeconds(best)));
        double above = medianSeconds(best + 1);
        if (!Double.isNaN(above)) {
            parts.add(String.format(Locale.ROOT, "%d → %.1f s", best + 1, above));
        }
        return String.join(", ", parts);
    }

    /** The median start → ready of a level, seconds; NaN before {@link #MIN_SAMPLES}. */
    private double medianSeconds(int level) {
        Deque<Long> d = millisByLevel.get(level);
        if (d == null || d.size() < MIN_SAMPLES) {
            return Double.NaN;
        }
        long[] v = d.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(v);
        return v[v.length / 2] / 1000.0;
    }
}
