package dispool.pool;

import dispool.host.Backoff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The adaptive policy's decisions, on pools without a host: the model alone. */
class AdaptiveRefillPolicyTest {

    private static final long S = 1_000_000_000L;
    private final AtomicLong availableMiB = new AtomicLong(100_000);
    private final AdaptiveRefillPolicy policy = new AdaptiveRefillPolicy(AdaptiveRefillPolicy.Parameters.DEFAULTS,
            new RefillTimes(), () -> OptionalLong.of(availableMiB.get() << 20), new StartCapacity(() -> 0));

    private static Pool pool(String template, int max) {
        return new Pool(template, Backoff.DEFAULT, new PoolSettings(true, max, PoolSettings.MaxSource.LOCAL, null, 0, 3,
                400, Duration.ofSeconds(60), false, Fingerprint.UNKNOWN));
    }

    private void requests(Pool pool, long fromNanos, int n, long everyNanos) {
        for (int i = 0; i < n; i++) {
            policy.observe(pool, fromNanos + i * everyNanos);
        }
    }

    @Test
    void erlangCSizesTheSteadyPool() {
        assertEquals(0, PoissonDemand.smallestPool(0, 0.05, 10), "no demand");
        assertEquals(1, PoissonDemand.smallestPool(0.01, 0.05, 10));
        assertEquals(4, PoissonDemand.smallestPool(1.0, 0.05, 10)); // C(3,1) = 9%, C(4,1) = 2%
        assertEquals(3, PoissonDemand.smallestPool(5.0, 0.05, 3), "never above the limit");
    }

    @Test
    void noDemandYetHoldsTheMaxAndAnIdlePoolShrinksToOne() {
        Pool p = pool("a", 6);
        assertEquals(6, policy.want(p, 0));
        assertEquals(AdaptiveRefillPolicy.Reason.NO_REQUEST_YET, p.adaptiveReason, p.decision);
        policy.observe(p, S);
        assertEquals(1, policy.want(p, 20 * 60 * S), "idle for 20 min");
        assertEquals(AdaptiveRefillPolicy.Reason.IDLE, p.adaptiveReason, p.decision);
    }

    @Test
    void theFirstBurstIsSizedAsSteadyDemandAndLaterOnesWantWhatIsStillToCome() {
        Pool p = pool("a", 12);
        requests(p, 0, 4, S);
        // 4 in the first minute, 10 s refills: Erlang C at load 0.67 wants 4 for under 1% waits; but they
        // came 1 a second, and until a refill started now is ready (7 s) more come at that rate: 1 + ceil(3/4 s x 7 s)
        assertEquals(7, policy.want(p, 4 * S), p.decision);
        assertEquals(AdaptiveRefillPolicy.Reason.FIRST_BURST, p.adaptiveReason, p.decision);
        assertTrue(policy.plan(p, 4 * S).fillNow(), "refilled at once");
        requests(p, 5 * S, 8, S); // the first burst: 12 in 12 s
        requests(p, 300 * S, 3, S); // the second starts
        assertEquals(9, policy.want(p, 303 * S), p.decision);
        assertEquals(AdaptiveRefillPolicy.Reason.BURST_ON, p.adaptiveReason, p.decision);
        assertTrue(policy.plan(p, 303 * S).fillNow(), "a burst refills at once");
        assertEquals(RefillPolicy.Plan.UNLIMITED, policy.plan(p, 303 * S).maxStarts(),
                "in a burst a start held back would only make a cold start");
        requests(p, 303 * S, 9, S / 10);
        assertEquals(0, policy.want(p, 305 * S), "it brought what bursts bring, nothing calm came: " + p.decision);
    }

    @Test
    void aBurstNeverTrimsThePreloadARequestIsAboutToClaim() {
        Pool p = pool("a", 12);
        requests(p, 0, 12, S);
        requests(p, 300 * S, 3, S); // the second burst: 3 so far, 9 to come
        for (int i = 0; i < 9; i++) {
            p.preloads.add(new Preload(p.template, 0, 0, PreloadState.READY));
        }
        policy.observe(p, 303 * S); // the 4th has arrived and not yet claimed: 8 to come, 9 held
        assertEquals(9, policy.want(p, 303 * S), "the 4th request takes the 9th: " + p.decision);
    }

    @Test
    void regularBurstsArePreloadedForAheadOfTheNext() {
        Pool p = pool("a", 12);
        for (int b = 0; b < 3; b++) {
            requests(p, b * 120 * S, 12, S / 2); // 12 in 6 s, every 2 min
        }
        long due = 360 * S;
        assertEquals(0, policy.want(p, due - 60 * S), "between forecast bursts, nothing calm: " + p.decision);
        assertEquals(AdaptiveRefillPolicy.Reason.BETWEEN_BURSTS, p.adaptiveReason, p.decision);
        RefillPolicy.Plan quiet = policy.plan(p, due - 60 * S);
        long lead = (long) ((6 + 0.5) * 7 * S); // 12 in waves of 2 (no start measured yet), 7 s each, + half a wave
        assertEquals(60 * S - lead, quiet.askAgainAfter().toNanos(), "the pool wakes when the pre-warm begins");
        assertEquals(12, policy.want(p, due - lead + S), p.decision);
        assertEquals(AdaptiveRefillPolicy.Reason.BEFORE_BURST, p.adaptiveReason, p.decision);
        RefillPolicy.Plan prewarm = policy.plan(p, due - lead + S);
        assertTrue(prewarm.fillNow());
        assertEquals(2, prewarm.maxStarts(), "ahead of demand, as many at once as the host sustains");
        requests(p, due, 2, S / 2);
        assertEquals(10, policy.want(p, due + S), "the requests of the burst come off the pre-warm: " + p.decision);
        policy.observe(p, due + 40 * S); // one request outside the bursts
        // the steady want back, at the rise window's rate (1.5/min over 2 min; the 10-min window alone wanted 2)
        assertEquals(3, policy.want(p, due + 41 * S), "a calm request brings the steady want back: " + p.decision);
        assertEquals(AdaptiveRefillPolicy.Reason.STEADY, p.adaptiveReason, "a confirmed period: no onset floor");
    }

    @Test
    void aBurstIsACountRandomArrivalsAtTheBackgroundRarelyReach() {
        assertEquals(3, policy.burstThreshold(0), "no background: burstMin");
        assertEquals(11, policy.burstThreshold(3), "P(N >= 11 | 3) = 0.03%, P(N >= 10 | 3) = 0.11%");
    }

    @Test
    void steadyTrafficIsNotTakenForBursts() {
        Pool p = pool("a", 4);
        java.util.SplittableRandom r = new java.util.SplittableRandom(42);
        double t = 0;
        while (t < 3600) { // Poisson, 6 a minute, for an hour
            t -= 10 * Math.log(1 - r.nextDouble());
            policy.observe(p, (long) (t * S));
        }
        assertEquals(4, policy.want(p, (long) (t * S)), p.decision);
        assertTrue(p.decision.contains("requests/min outside bursts"), p.decision);
    }

    @Test
    void shortMemoryIsSharedByDemandAndNoTemplateStarves() {
        Pool busy = pool("busy", 4);
        Pool quiet = pool("quiet", 4);
        // 12/min against 4/min for ten minutes: steady loads 2 and 0.67 with a 10 s refill
        for (int i = 0; i < 120; i++) {
            policy.observe(busy, i * 5 * S);
        }
        for (int i = 0; i < 40; i++) {
            policy.observe(quiet, i * 15 * S + 7 * S);
        }
        long now = 600 * S;
        availableMiB.set(4 * 400); // room for four preloads, none held yet
        assertEquals(4, policy.want(busy, now), "alone it may have its max: " + busy.decision);
        // once both pools are known, each reconcile takes its share of the four
        assertEquals(1, policy.want(quiet, now), quiet.decision);
        assertEquals(3, policy.want(busy, now), busy.decision);
        assertEquals(AdaptiveRefillPolicy.Reason.STEADY, busy.adaptiveReason, "a steady stream is no burst: " + busy.decision);
        assertTrue(busy.decision.contains("memory short: shared 3:1 by demand"), busy.decision);
        assertTrue(quiet.decision.contains("memory short: shared 1:3 by demand"), quiet.decision);
    }

    @Test
    void burstsAtRandomTimesOverCalmDemandKeepWhatABurstsFirstSecondsTake() {
        Pool p = pool("a", 12);
        requests(p, 0, 5, 120 * S); // calm: one every 2 min
        requests(p, 600 * S, 12, 2 * S); // a burst: 12 in 22 s, 0.5/s after the first
        long after = 700 * S;
        // no refill measured yet: 7 s start -> ready; 1 + ceil(0.5/s x 7 s) = 5
        assertEquals(5, policy.want(p, after), p.decision);
        assertEquals(AdaptiveRefillPolicy.Reason.BURST_ONSET, p.adaptiveReason, p.decision);
        assertEquals(5, policy.want(p, after + 15 * 60 * S), "no request for 15 min: the floor, not idle's 1: " + p.decision);
        assertEquals(AdaptiveRefillPolicy.Reason.BURST_ONSET, p.adaptiveReason, p.decision);
        policy.observe(p, after + 70 * 60 * S); // a request after the burst has left the memory
        assertEquals(AdaptiveRefillPolicy.Reason.STEADY, wantReason(p, after + 70 * 60 * S), p.decision);
    }

    @Test
    void burstsAloneWithoutAPeriodHoldWhatTheirRateWantsNotTheOnset() {
        Pool p = pool("a", 12);
        requests(p, 0, 12, 2 * S); // one burst, nothing calm: its onset (1 + 0.5/s x 7 s) would be 5
        // 12 in 200 s = 3.6/min x (7 s + 3 s delay) = load 0.6: Erlang C wants 4
        assertEquals(4, policy.want(p, 200 * S), p.decision);
        assertEquals(AdaptiveRefillPolicy.Reason.BURSTS_UNFORECAST, p.adaptiveReason, p.decision);
    }

    @Test
    void risingDemandIsFollowedWithinTheRiseWindow() {
        Pool p = pool("a", 12);
        requests(p, 0, 5, 120 * S); // 0.5/min for 10 min
        requests(p, 600 * S, 8, 15 * S); // then 4/min for 2 min, never 3 within 30 s: no burst
        long now = 719 * S;
        // 4/min x (7 s + 3 s delay) = load 0.67 wants 4; the 10-min window's 1.2/min (load 0.2) 3
        int want = policy.want(p, now);
        assertEquals(4, want, p.decision);
        assertEquals(3, PoissonDemand.smallestPool(12 / 600.0 * 10, 0.01, 12));
        assertTrue(p.decision.contains("requests/min outside bursts"), p.decision);
        assertEquals(AdaptiveRefillPolicy.Reason.STEADY, p.adaptiveReason, p.decision);
    }

    @Test
    void theUpperBoundOfAPoissonMeanIsGarwoodsExactOne() {
        assertEquals(-Math.log(0.05), PoissonDemand.upperMean(0, 0.95), 1e-6, "none seen: P(0) = 5%");
        assertEquals(4.7439, PoissonDemand.upperMean(1, 0.95), 1e-3);
        assertEquals(16.962, PoissonDemand.upperMean(10, 0.95), 1e-2);
        assertEquals(0.2, PoissonDemand.atMost(2, PoissonDemand.upperMean(2, 0.8)), 1e-9);
        assertTrue(PoissonDemand.upperMean(3_000, 0.8) > 3_000, "large counts do not underflow");
    }

    @Test
    void aPoolsFirstRequestsDoNotShrinkItBelowWhatTheirRateMayNeed() {
        Pool p = pool("a", 4);
        requests(p, 0, 2, 15 * S); // 2 in the first minute: 2/min counted, up to 4.3/min at 80%
        // the point estimate, 2/min x (7 s + 3 s delay) = load 0.33, wanted 3; the bound's load 0.71 wants 4
        assertEquals(4, policy.want(p, 30 * S), p.decision);
        assertEquals(AdaptiveRefillPolicy.Reason.STEADY, p.adaptiveReason, p.decision);
        assertEquals(3, PoissonDemand.smallestPool(2 / 60.0 * 10, 0.01, 4), "what the point estimate wanted");
    }

    @Test
    void theBoundDoesNotInflateAQuietPoolsLongCount() {
        Pool p = pool("a", 12);
        requests(p, 0, 5, 120 * S); // 0.5/min for 10 min: 5 counted, up to 0.8/min at 80%
        assertEquals(2, policy.want(p, 599 * S), p.decision);
        assertEquals(AdaptiveRefillPolicy.Reason.STEADY, p.adaptiveReason, p.decision);
    }

    @Test
    void theFirstBurstHoldsWhatItsRateBringsUntilARefillIsReady() {
        Pool p = pool("a", 12);
        requests(p, 0, 5, 120 * S); // quiet: 0.5/min for 10 min
        requests(p, 600 * S, 4, 2 * S); // then a burst's first 4, 2 s apart: a burst from the third
        // steady demand at all requests' rate (8 in 10 min x 10 s: load 0.13) wanted 2; 0.5/s for 7 s to a refill: 1 + 4
        assertEquals(5, policy.want(p, 606 * S), p.decision);
        assertEquals(AdaptiveRefillPolicy.Reason.FIRST_BURST, p.adaptiveReason, p.decision);
        assertEquals(2, PoissonDemand.smallestPool(8 / 600.0 * 10, 0.01, 12), "what steady demand alone wanted");
        assertEquals(15, BurstOnset.openCover(new DemandEstimate.Burst(0, 0, 3, false), 0, 7),
                "3 that came together: 2 a second after the first, for 7 s");
    }

    @Test
    void threeCloseTogetherOverCalmDemandBelowOnePerBinAreNoBurst() {
        Pool p = pool("a", 4);
        requests(p, 0, 7, 90 * S); // 0.67/min for 9 min: 1 request in every third 30 s bin, the median bin 0
        requests(p, 600 * S, 3, 10 * S);
        // the empty bins say 0.4 per bin: 3 in 30 s come at random 0.9% of the time, a burst takes 4 (the median: 3)
        assertEquals(AdaptiveRefillPolicy.Reason.STEADY, wantReason(p, 621 * S), p.decision);
        assertEquals(Math.log(3), PoissonDemand.meanFromEmptyShare(1, 3), 1e-9);
        assertEquals(0, PoissonDemand.meanFromEmptyShare(3, 3), "all empty: no background");
        assertEquals(0, PoissonDemand.meanFromEmptyShare(0, 3), "none empty: the median tells");
    }

    @Test
    void risingDemandIsCarriedForwardByItsTrend() {
        Pool p = pool("a", 4);
        requests(p, 0, 2, 60 * S); // two early ones, out of the 10-min window by now
        requests(p, 605 * S, 5, 24 * S); // 5 in the last 2 min, never 3 within 30 s
        // counted: 2.5/min over 2 min (0.5/min over 10): load 0.42 wants 3; the trend (2.5 - 0.5) x 2/8 adds 0.5/min: 4
        assertEquals(4, policy.want(p, 710 * S), p.decision);
        assertEquals(AdaptiveRefillPolicy.Reason.RISING, p.adaptiveReason, p.decision);
        assertEquals(3, PoissonDemand.smallestPool(2.5 / 60 * 10, 0.01, 4), "what the rate counted wants");
    }

    private AdaptiveRefillPolicy.Reason wantReason(Pool p, long nowNanos) {
        policy.want(p, nowNanos);
        return p.adaptiveReason;
    }
}
