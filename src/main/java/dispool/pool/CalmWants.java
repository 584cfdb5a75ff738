package dispool.pool;

import dispool.pool.AdaptiveRefillPolicy.Parameters;
import dispool.pool.AdaptiveRefillPolicy.Reason;
import dispool.pool.AdaptiveRefillPolicy.Want;
import java.time.Duration;
import java.util.Locale;

/**
 * The adaptive policy's want while no burst is on or due: the calm rate it is sized on, the
 * steady want from it (Erlang C), and the floors and exceptions around it (no request yet, idle,
 * between forecast bursts, the onset of bursts at random times).
 */
final class CalmWants {

    private CalmWants() {
    }

    /**
     * What a want is decided from: the pool's requests, its calm rate (the trend of rising demand
     * included), the part of it the trend adds, its refill time, its max, and now.
     */
    record DemandNow(DemandEstimate requests, double calmRate, double rising, double refillSeconds, int max,
            long nowNanos) {

        /** The steady want: Erlang C at the calm rate (0 when nothing calm came). */
        int steady(double missTarget) {
            return PoissonDemand.smallestPool(calmRate * refillSeconds, missTarget, max);
        }

        /** The steady want without the trend of rising demand. */
        int steadyAsCounted(double missTarget) {
            return PoissonDemand.smallestPool((calmRate - rising) * refillSeconds, missTarget, max);
        }
    }

    /**
     * The calm rate is the higher of {@code window}'s and {@code riseWindow}'s: rising demand is
     * followed within minutes, falling demand only slowly. {@code window}'s is the upper bound at
     * {@code rateConfidence} of what its count allows, not the count over the span: a pool's first
     * minutes count a request or two, and the point estimate of 2 requests in the first minute at a
     * true 6/min shrank a steady pool from its max to 3 and the next request waited 8.6 s (steady,
     * seed 46). The rise window keeps its point estimate: taken as the higher of the two, it already
     * leans high on its few requests, and its bound would keep a quiet pool at 3 for every request.
     * While the rise window's rate is above the window's, demand is rising and both lag it: a
     * window's mean is the rate half a window ago. The rise window's is carried forward by the
     * trend between the two (their difference over the half-windows between their middles), to
     * now: on {@code bench traffic}'s ramp (0.5/min to 8/min over 30 min and back, seed 45) the
     * pool wanted fewer than 4 for 200 s of the rise above 3/min, where 4 are wanted; with the
     * trend, for 67 s ({@code RampDemandTest}).
     */
    static DemandNow demand(Parameters p, DemandEstimate d, double refillSeconds, int max, long nowNanos) {
        double rise = d.calmRatePerSecond(nowNanos, p.riseWindow().toNanos());
        double counted = Math.max(d.calmRateUpperPerSecond(nowNanos, p.window().toNanos(), p.rateConfidence()), rise);
        double trend = Math.max(0, rise - d.calmRatePerSecond(nowNanos, p.window().toNanos()))
                * p.riseWindow().toNanos() / (p.window().toNanos() - p.riseWindow().toNanos());
        double rate = Math.max(counted, rise + trend);
        return new DemandNow(d, rate, rate - counted, refillSeconds, max, nowNanos);
    }

    /**
     * No burst on or due: the steady want (1 when idle), the max before any request, 0 between
     * forecast bursts; never below the onset of the bursts that came at random times over calm
     * demand ({@link BurstOnset}: held until they leave the memory, {@code burstMemory}). Not once two
     * gaps agree on a period (the pre-warm brings them in; one gap fits any two bursts). When
     * nothing calm came (bursts alone, a script's batches) and no burst is forecast, the steady
     * want at the rate of all requests instead ({@link #burstsUnforecast}).
     */
    static Want calm(Parameters p, DemandNow demand, BurstForecast next, BurstOnset onset) {
        Want w = calmAlone(p, demand, next);
        if (onset == null || w.reason() == Reason.NO_REQUEST_YET || w.reason() == Reason.BETWEEN_BURSTS
                || onset.cover() <= w.count() || next != null && next.confirmed()) {
            return w;
        }
        if (demand.requests().calmRatePerSecond(demand.nowNanos(), p.burstMemory().toNanos()) == 0) {
            return next == null && w.reason() == Reason.STEADY ? burstsUnforecast(p, demand, onset, w) : w;
        }
        return new Want(onset.cover(), Reason.BURST_ONSET, String.format(Locale.ROOT, "bursts of %d at %.1f requests/s in "
                + "the last %d min, no period confirmed: hold %d, what a burst takes until its first refill is ready",
                onset.size(), onset.perSecond(), p.burstMemory().toMinutes(), Math.min(onset.cover(), demand.max())));
    }

    /**
     * Requests came only in bursts and none is forecast (one burst seen, or the period lost): the
     * steady want at the rate of all requests, bursts included, at most the bursts' size (not
     * their onset: a burst served cold trickles in as its boots finish, and the onset measured on
     * it is the starved one's). A fixed pool holds its max between bursts; the steady want at a calm rate of
     * 0 held 1, so the second burst of {@code bench traffic}'s bursts found 1 ready where
     * {@code qubes} had 4, and once a late pre-warm stretched a burst past the burst window its
     * pieces broke the period and every later burst found 1 ({@code BurstsUnforecastTest}).
     */
    private static Want burstsUnforecast(Parameters p, DemandNow demand, BurstOnset onset, Want steady) {
        double perSecond = demand.requests().ratePerSecond(demand.nowNanos(), p.window().toNanos());
        int all = PoissonDemand.smallestPool(perSecond * demand.refillSeconds(), p.missTarget(), demand.max());
        int want = Math.min(onset.size(), all);
        if (want <= steady.count()) {
            return steady;
        }
        return new Want(want, Reason.BURSTS_UNFORECAST, String.format(Locale.ROOT, "requests only in bursts (of %d), none"
                + " forecast: %.1f requests/min in all x %.1f s refill: want %d", onset.size(), perSecond * 60,
                demand.refillSeconds(), Math.min(want, demand.max())));
    }

    private static Want calmAlone(Parameters p, DemandNow demand, BurstForecast next) {
        long now = demand.nowNanos();
        long last = demand.requests().lastNanos();
        if (last == Long.MIN_VALUE) {
            return new Want(demand.max(), Reason.NO_REQUEST_YET, "no request seen yet: preload-dispvm-max, as a fixed pool would");
        }
        if (now - last > p.idleAfter().toNanos()) {
            return new Want(1, Reason.IDLE, "idle (no request for " + p.idleAfter().toMinutes() + " min): shrunk to 1");
        }
        if (demand.calmRate() == 0 && next != null) {
            // every request came in bursts, and the next is forecast: its pre-warm brings its preloads in
            return new Want(0, 0, Reason.BETWEEN_BURSTS, String.format(Locale.ROOT, "no request outside bursts in %d min, the next burst is due"
                    + " in %d s: none held until its pre-warm", p.window().toMinutes(),
                    Duration.ofNanos(next.dueNanos() - now).toSeconds()));
        }
        int steady = Math.max(1, demand.steady(p.missTarget()));
        if (steady > Math.max(1, demand.steadyAsCounted(p.missTarget()))) {
            return new Want(steady, Reason.RISING, String.format(Locale.ROOT, "demand rising: %.1f requests/min outside bursts"
                    + " counted, %.1f with its trend x %.1f s refill: want %d", (demand.calmRate() - demand.rising()) * 60,
                    demand.calmRate() * 60, demand.refillSeconds(), steady));
        }
        return new Want(steady, Reason.STEADY, String.format(Locale.ROOT, "%.1f requests/min outside bursts x %.1f s refill: want %d",
                demand.calmRate() * 60, demand.refillSeconds(), steady));
    }
}
