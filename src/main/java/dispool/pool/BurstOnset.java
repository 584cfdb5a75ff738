package dispool.pool;

import java.util.List;
import java.util.Optional;

/**
 * What the first seconds of a burst take, from the bursts a pool had: bursts that come at random
 * times cannot be preloaded for ahead ({@link BurstForecast} finds no period), but their requests
 * come at a rate that repeats. A burst's first claim is refilled at once; the refill is ready one
 * start → ready time later, and every request that comes before then needs a preload already
 * held. So a pool that has had such bursts keeps that many between them: a floor, refilled at
 * once while a burst lasts, which serves a burst's onset wherever it falls. Only the bursts of at
 * least half the largest kept count: smaller ones are clumps of calm demand, not the bursts.
 *
 * @param cover     preloads that serve a burst's requests until its first refill is ready
 * @param perSecond the bursts' request rate (median over the bursts kept)
 * @param size      the bursts' median size
 */
record BurstOnset(int cover, double perSecond, int size) {

    /**
     * The floor from the closed bursts (oldest first) for a start → ready time of
     * {@code readySeconds}, or empty before any: 1 for the request that opens the burst plus the
     * requests that come within one start → ready time at the bursts' rate, at most their size.
     */
    static Optional<BurstOnset> of(List<DemandEstimate.Burst> closed, double readySeconds) {
        List<DemandEstimate.Burst> kept = closed.subList(Math.max(0, closed.size() - BurstForecast.GAPS - 1), closed.size());
        if (kept.isEmpty()) {
            return Optional.empty();
        }
        int largest = kept.stream().mapToInt(DemandEstimate.Burst::size).max().orElse(0);
        // a clump of calm requests that passed for a burst (3 in 30 s, or a few a lagging caller sent
        // together) is not the bursts' onset: beside bursts of 12 it made the median 4 and the floor 3
        List<DemandEstimate.Burst> last = kept.stream().filter(b -> 2 * b.size() >= largest).toList();
        double[] rates = last.stream().mapToDouble(BurstOnset::perSecond).sorted().toArray();
        int[] sizes = last.stream().mapToInt(DemandEstimate.Burst::size).sorted().toArray();
        double rate = rates[rates.length / 2];
        int size = sizes[sizes.length / 2];
        long within = Double.isInfinite(rate) ? size : (long) Math.ceil(rate * readySeconds);
        return Optional.of(new BurstOnset((int) Math.min(size, 1 + within), rate, size));
    }

    /**
     * What a burst still open, whose size is not known (the first one seen), takes until a refill
     * started now is ready: 1 plus its requests after its first per second so far times
     * {@code readySeconds}. Its size is no bound, as it is still growing: at the fourth request of
     * a first burst 2 s apart after ten quiet minutes at 0.5/min, steady demand at the rate of all
     * requests wanted 2, and every request of the next start → ready time found none ready. The
     * seconds so far are at least one: requests that came together have no rate to speak of.
     */
    static int openCover(DemandEstimate.Burst open, long nowNanos, double readySeconds) {
        double seconds = Math.max(1, (nowNanos - open.startNanos()) / 1e9);
        return 1 + (int) Math.ceil((open.size() - 1) / seconds * readySeconds);
    }

    /** A burst's requests after its first, per second of its span (all at once: infinite). */
    private static double perSecond(DemandEstimate.Burst b) {
        long span = b.lastNanos() - b.startNanos();
        return b.size() < 2 ? 0 : span <= 0 ? Double.POSITIVE_INFINITY : (b.size() - 1) / (span / 1e9);
    }
}
