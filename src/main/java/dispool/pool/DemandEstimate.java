package dispool.pool;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One pool's recent requests, for the adaptive policy: the rate over the demand window, the
 * requests in the last burst window and the largest burst of a longer memory. Host nanoseconds;
 * only the requests of the longest window asked for are kept.
 */
final class DemandEstimate {

    private final Deque<Long> requests = new ArrayDeque<>();
    private long firstSeenNanos = Long.MIN_VALUE;
    private long lastNanos = Long.MIN_VALUE;

    synchronized void request(long nowNanos, long windowNanos) {
        if (firstSeenNanos == Long.MIN_VALUE) {
            firstSeenNanos = nowNanos;
        }
        requests.addLast(nowNanos);
        lastNanos = nowNanos;
        forget(nowNanos, windowNanos);
    }

    /** Requests per second over the window (or since the first request, when that is shorter, at least a minute). */
    synchronized double ratePerSecond(long nowNanos, long windowNanos) {
        int n = 0;
        for (long t : requests) {
            n += t > nowNanos - windowNanos ? 1 : 0;
        }
        if (n == 0) {
            return 0;
        }
        long span = Math.max(60_000_000_000L, Math.min(windowNanos, nowNanos - firstSeenNanos));
        return n / (span / 1e9);
    }

    /** Requests within the last {@code burstNanos}. */
    synchronized int recent(long nowNanos, long burstNanos) {
        int n = 0;
        for (var it = requests.descendingIterator(); it.hasNext() && it.next() > nowNanos - burstNanos;) {
            n++;
        }
        return n;
    }

    /** The most requests that came within any {@code burstNanos} of the kept ones (the window's). */
    synchronized int largestBurst(long nowNanos, long windowNanos, long burstNanos) {
        long[] t = requests.stream().mapToLong(Long::longValue).filter(x -> x > nowNanos - windowNanos).toArray();
        int largest = 0;
        for (int lo = 0, hi = 0; hi < t.length; hi++) {
            while (t[hi] - t[lo] >= burstNanos) {
                lo++;
            }
            largest = Math.max(largest, hi - lo + 1);
        }
        return largest;
    }

    /** When the last request came; {@link Long#MIN_VALUE} before any. */
    synchronized long lastNanos() {
        return lastNanos;
    }

    private void forget(long nowNanos, long windowNanos) {
        while (!requests.isEmpty() && requests.peekFirst() <= nowNanos - windowNanos) {
            requests.removeFirst();
        }
    }
}
