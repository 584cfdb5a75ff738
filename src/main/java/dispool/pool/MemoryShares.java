package dispool.pool;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The adaptive pools' shares of a host whose memory cannot hold every pool's want: the preloads
 * it can hold (every adaptive pool's held preloads plus the free memory above the threshold) split
 * by calm rate, at least one each, so no template starves and idle ones give first.
 */
final class MemoryShares {

    /** A pool's last unshared want and its weight in a split. */
    private record Share(int want, double rate, int held, long memoryMiB, long thresholdMiB) {
    }

    private final Supplier<OptionalLong> availableBytes;
    private final Map<String, Share> shares = new ConcurrentHashMap<>();

    MemoryShares(Supplier<OptionalLong> availableBytes) {
        this.availableBytes = availableBytes;
    }

    /** Records the pool's want (before sharing) and its calm rate, for the next splits. */
    void wants(Pool pool, int want, double rate) {
        shares.put(pool.template, new Share(want, rate, pool.held(), pool.settings.memoryMiB(), pool.settings.thresholdMiB()));
    }

    /** The pool runs another policy now, or has no preloads: it no longer takes part. */
    void forget(String template) {
        shares.remove(template);
    }

    /**
     * The preloads this pool may hold: its share of the slots when memory is short; {@code want}
     * unchanged when memory suffices or the host gives no figure.
     */
    int shareOf(String template, int want) {
        OptionalLong avail = availableBytes.get();
        Share mine = shares.get(template);
        if (want == 0 || avail.isEmpty() || mine == null || mine.memoryMiB() <= 0) {
            return want;
        }
        long freeSlots = Math.max(0, (avail.getAsLong() >> 20) - mine.thresholdMiB()) / mine.memoryMiB();
        int wanted = 0;
        int held = 0;
        double rates = 0;
        for (Share s : shares.values()) {
            wanted += s.want();
            held += s.held();
            rates += s.rate();
        }
        long slots = held + freeSlots;
        if (wanted <= slots || shares.size() < 2) {
            return want;
        }
        double weight = rates > 0 ? mine.rate() / rates : 1.0 / shares.size();
        // rounded to the nearest slot: the memory gate still admits only what fits
        return (int) Math.max(1, Math.min(want, Math.round(slots * weight)));
    }

    /** Why the pool holds {@code shared}, in words. */
    String reason(String template, int shared) {
        double total = shares.values().stream().mapToDouble(Share::rate).sum();
        Share mine = shares.get(template);
        double others = total - mine.rate();
        String ratio = others > 0 && mine.rate() > 0 ? ratio(mine.rate(), others) : "by demand";
        return "memory short: shared " + ratio + " by demand with the other pools, holds " + shared;
    }

    /** "3:1": two rates as the smallest whole numbers near their proportion. */
    private static String ratio(double a, double b) {
        double small = Math.min(a, b);
        return Math.max(1, Math.round(a / small)) + ":" + Math.max(1, Math.round(b / small));
    }
}
