package dispool.pool;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * One pool's recent requests, for the adaptive policy, in host nanoseconds: the calm rate (requests
 * outside bursts, over the demand window), the requests in the last burst window, and the bursts
 * themselves, each with its start and size, from which {@link BurstForecast} predicts the next.
 * Only what the longest window asked for is kept.
 */
final class DemandEstimate {

    /** A burst: its first request, its last one so far, how many it had, and whether a calm request ended it. */
    record Burst(long startNanos, long lastNanos, int size, boolean ended) {
    }

    private final Deque<Long> requests = new ArrayDeque<>();
    private final Deque<Burst> bursts = new ArrayDeque<>();
    private long firstSeenNanos = Long.MIN_VALUE;
    private long lastNanos = Long.MIN_VALUE;

    /**
     * Records a request; {@code burstOn} says whether the policy sees a burst with it (enough
     * requests within the burst window). Such a request joins the open burst, or starts one that
     * takes in the requests of the window before it (they made it a burst); any other request
     * closes the open burst.
     */
    synchronized void request(long nowNanos, long keptNanos, long burstWindowNanos, boolean burstOn) {
        if (firstSeenNanos == Long.MIN_VALUE) {
            firstSeenNanos = nowNanos;
        }
        requests.addLast(nowNanos);
        lastNanos = nowNanos;
        Burst open = openBurst(nowNanos, burstWindowNanos);
        if (!burstOn) {
            if (open != null) {
                bursts.removeLast();
                bursts.addLast(new Burst(open.startNanos(), open.lastNanos(), open.size(), true));
            }
        } else if (open != null) {
            bursts.removeLast();
            bursts.addLast(new Burst(open.startNanos(), nowNanos, open.size() + 1, false));
        } else {
            long start = nowNanos;
            int n = 0;
            for (var it = requests.descendingIterator(); it.hasNext();) {
                long t = it.next();
                if (t <= nowNanos - burstWindowNanos) {
                    break;
                }
                start = t;
                n++;
            }
            bursts.addLast(new Burst(start, nowNanos, n, false));
        }
        forget(nowNanos, keptNanos);
    }

    /** The burst still going on (not ended, its last request within the burst window), or null. */
    synchronized Burst openBurst(long nowNanos, long burstWindowNanos) {
        Burst last = bursts.peekLast();
        return last != null && !last.ended() && nowNanos - last.lastNanos() < burstWindowNanos ? last : null;
    }

    /** The bursts kept, oldest first, the open one included. */
    synchronized List<Burst> bursts() {
        return List.copyOf(bursts);
    }

    /** Requests per second over the window, bursts included (the span as for {@link #calmRatePerSecond}). */
    synchronized double ratePerSecond(long nowNanos, long windowNanos) {
        int n = 0;
        for (long t : requests) {
            n += t > nowNanos - windowNanos ? 1 : 0;
        }
        return n == 0 ? 0 : n / (span(nowNanos, windowNanos) / 1e9);
    }

    /**
     * Requests per second outside bursts over the window (or since the first request, when that
     * is shorter, at least a minute): what a steady pool is sized for.
     */
    synchronized double calmRatePerSecond(long nowNanos, long windowNanos) {
        int n = calmCount(nowNanos, windowNanos);
        return n == 0 ? 0 : n / (span(nowNanos, windowNanos) / 1e9);
    }

    /**
     * The upper bound at {@code confidence} of the rate outside bursts over the window (the span
     * as for {@link #calmRatePerSecond}) that its count allows ({@link PoissonDemand#upperMean}); 0
     * when nothing calm came, as there the other rules decide (idle, between forecast bursts).
     */
    synchronized double calmRateUpperPerSecond(long nowNanos, long windowNanos, double confidence) {
        int n = calmCount(nowNanos, windowNanos);
        return n == 0 ? 0 : PoissonDemand.upperMean(n, confidence) / (span(nowNanos, windowNanos) / 1e9);
    }

    private int calmCount(long nowNanos, long windowNanos) {
        int n = 0;
        for (long t : requests) {
            n += t > nowNanos - windowNanos && !inBurst(t) ? 1 : 0;
        }
        return n;
    }

    /** The window, or the time since the first request when that is shorter, at least a minute. */
    private long span(long nowNanos, long windowNanos) {
        return Math.max(60_000_000_000L, Math.min(windowNanos, nowNanos - firstSeenNanos));
    }

    /**
     * The requests per {@code binNanos} a calm bin brings, over the window before the last bin (only
     * bins since the first request): the background a burst in the last bin stands out against. The
     * median count, not the mean: the bursts that stay in (below) do not raise it; but never below
     * the mean that the share of empty bins gives ({@link PoissonDemand#meanFromEmptyShare}): below
     * 0.69 per bin the median count of random arrivals is 0, so at 1/min every 3 requests in 30 s
     * passed for a burst, and on a ramp from 0.5/min to 8/min the rise's clumps were left out of
     * the calm rate as bursts (seed 45: it read 1.4/min at a true 4.3/min, and the pool held 3 where
     * 4 were wanted). The requests of closed bursts shorter than a bin are left out: bursts a
     * minute apart fill half the 30 s bins, and one that straddles a bin's edge fills two, so after
     * five or so the median was theirs and the next burst no longer stood out (on QEMU, from the
     * sixth burst of a minute on the forecast was lost). A run of steady demand taken for a burst
     * spans a whole bin (it takes in the bin's requests) and stays in.
     */
    synchronized double backgroundPerBin(long nowNanos, long windowNanos, long binNanos) {
        long from = Math.max(nowNanos - windowNanos, firstSeenNanos);
        int bins = (int) Math.max(0, (nowNanos - binNanos - from) / binNanos);
        if (bins == 0) {
            return 0;
        }
        int[] counts = new int[bins];
        for (long t : requests) {
            long back = nowNanos - binNanos - t;
            if (back >= 0 && back < (long) bins * binNanos && !inShortBurst(t, nowNanos, binNanos)) {
                counts[(int) (back / binNanos)]++;
            }
        }
        java.util.Arrays.sort(counts);
        int empty = 0;
        while (empty < bins && counts[empty] == 0) {
            empty++;
        }
        double median = bins % 2 == 1 ? counts[bins / 2] : (counts[bins / 2 - 1] + counts[bins / 2]) / 2.0;
        return Math.max(median, PoissonDemand.meanFromEmptyShare(empty, bins));
    }

    /**
     * Whether a request at {@code t} belongs to a closed burst (ended by a calm request, or its last
     * request a bin or more before now) that spanned less than {@code binNanos}.
     */
    private boolean inShortBurst(long t, long nowNanos, long binNanos) {
        for (Burst b : bursts) {
            boolean closed = b.ended() || nowNanos - b.lastNanos() >= binNanos;
            if (closed && t >= b.startNanos() && t <= b.lastNanos() && b.lastNanos() - b.startNanos() < binNanos) {
                return true;
            }
        }
        return false;
    }

    /** Requests within the last {@code burstNanos}. */
    synchronized int recent(long nowNanos, long burstNanos) {
        int n = 0;
        for (var it = requests.descendingIterator(); it.hasNext() && it.next() > nowNanos - burstNanos;) {
            n++;
        }
        return n;
    }

    /** When the last request came; {@link Long#MIN_VALUE} before any. */
    synchronized long lastNanos() {
        return lastNanos;
    }

    private boolean inBurst(long t) {
        for (Burst b : bursts) {
            if (t >= b.startNanos() && t <= b.lastNanos()) {
                return true;
            }
        }
        return false;
    }

    private void forget(long nowNanos, long keptNanos) {
        while (!requests.isEmpty() && requests.peekFirst() <= nowNanos - keptNanos) {
            requests.removeFirst();
        }
        while (!bursts.isEmpty() && bursts.peekFirst().lastNanos() <= nowNanos - keptNanos) {
            bursts.removeFirst();
        }
    }
}
