package dispool.pool;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The {@code adaptive} refill policy: Qubes' timers while demand is calm, no delay while a burst
 * is on, preloads ready ahead of bursts that come back at a regular period, and a pool sized to
 * its demand inside the user's limits (never above {@code preload-dispvm-max}; the memory gate
 * still keeps {@code preload-dispvm-threshold} free).
 *
 * <p>The demand model, all parameters in {@link Parameters}:
 * <ul>
 * <li>calm rate λ = the upper bound at {@code rateConfidence} of the rate of the requests outside
 *     bursts in the last {@code window}, or {@code riseWindow}'s rate carried forward by its trend
 *     when higher ({@link CalmWants}); refill time R = the median of the pool's
 *     measured start → ready times (preload-dispvm-delay added);</li>
 * <li>steady want = the smallest pool whose chance that a request must wait is at most
 *     {@code missTarget} when requests come at random at rate λ and each hand-out refills for R:
 *     Erlang C with offered load a = λ·R (a request that misses waits for a refill, so the pool
 *     is a queue, not a loss system);</li>
 * <li>a burst is on while more requests came within {@code burstWindow} than random arrivals at
 *     the background reach with a chance of {@code burstChance} (and at least {@code burstMin}):
 *     the background is the median count per burst window over the demand window, so earlier
 *     bursts do not raise the bar and a burst's own requests are not in it, never below the mean
 *     the share of empty windows gives (below 0.69 per window the median is 0) (steady traffic at
 *     6/min, 3 per window, needs 11 in 30 s; at 0.5/min, 4; a pool that has only had bursts, 3).
 *     While it is on the pool refills at once and wants what the burst still brings: the median
 *     size of the earlier bursts less the requests so far (the first burst seen, whose size is
 *     not known: the steady want at the rate of all requests, the burst's included), never less
 *     than it holds (the burst is taking them);</li>
 * <li>bursts that come back at a regular period are preloaded for ({@link BurstForecast}): from
 *     as many refill times before the next one is due as it takes waves of the starts the host
 *     sustains, plus {@code leadMargin}, until {@code burstWindow} after,
 *     the pool wants the bursts' median size less the requests that came since;</li>
 * <li>a pool that has seen no request yet holds {@code preload-dispvm-max}, as a fixed pool
 *     would (nothing is known of its demand); one with no request for {@code idleAfter} shrinks
 *     to one preload (the first request after a quiet spell still finds one ready); one whose
 *     requests all came in bursts, the next of them forecast, holds none between them (the
 *     steady want at a calm rate of 0; the pre-warm brings the burst's preloads in, and a
 *     request outside a burst brings the steady want back); none forecast, the steady want at
 *     the rate of all requests, at most the bursts' size, as a fixed pool holds between them
 *     ({@link CalmWants});</li>
 * <li>bursts at random times over calm demand, no period confirmed, leave a floor that serves a
 *     burst's first seconds ({@link BurstOnset}); the calm rate is the higher of {@code window}'s
 *     and {@code riseWindow}'s; memory too short for every want is shared ({@link MemoryShares}).</li>
 * </ul>
 * Filling ahead of demand (calm gaps, a pre-warm) starts at most as many at once as the host
 * sustains, measured ({@link StartCapacity}); the rest start as starts finish, so each is ready
 * as soon as the host allows. In a burst it does not: a refill held back there only turns the
 * request that would have claimed it into a cold start, which is no cheaper for the host.
 * Claiming, readiness, pausing and removal are the engine's as for every policy.
 */
final class AdaptiveRefillPolicy implements RefillPolicy {

    /**
     * The model's parameters.
     *
     * @param window        calm rate window
     * @param riseWindow    a shorter window whose calm rate, carried forward by its trend against
     *                      {@code window}'s, counts when higher: demand that rises is seen in it
     * @param burstMemory   how long requests and bursts are remembered
     * @param burstWindow   requests this close together form a burst
     * @param burstMin      requests within the burst window that make a burst, at least
     * @param burstChance   a burst is a count random arrivals at the background reach less often than this
     * @param idleAfter     no request for this long: the pool shrinks to one
     * @param missTarget    share of requests that may wait, in steady demand
     * @param rateConfidence the calm rate over {@code window} is the upper bound at this confidence of what its count allows
     * @param regularity    bursts are periodic when their gaps differ by at most this share of the period
     * @param leadMargin    refill times of margin before a forecast burst's preloads should all be ready
     * @param defaultRefill refill time until one was measured (Qubes R4.3's cold start median)
     */
    record Parameters(Duration window, Duration riseWindow, Duration burstMemory, Duration burstWindow, int burstMin, double burstChance,
            Duration idleAfter, double missTarget, double rateConfidence, double regularity, double leadMargin,
            Duration defaultRefill) {

        static final Parameters DEFAULTS = new Parameters(Duration.ofMinutes(10), Duration.ofMinutes(2),
                Duration.ofMinutes(60),
                Duration.ofSeconds(30), 3, 0.001, Duration.ofMinutes(10), 0.01, 0.8, 0.25, 0.5, Duration.ofSeconds(7));
    }

    /** Host time after a request when its claim has been made, so the refill sees the gap. */
    static final long CLAIM_SETTLE_NANOS = 1_000_000;
    /**
     * Host time after a request within which its claim may not be made yet (a caller thread the
     * JVM has not run): what the pool holds is kept that long, as it may be the preload it takes.
     */
    static final long CLAIM_PENDING_NANOS = 1_000_000_000L;

    private final Parameters p;
    private final QubesRefillPolicy calm = new QubesRefillPolicy();
    private final RefillTimes refillTimes;
    private final StartCapacity starts;
    private final MemoryShares shares;
    private final Map<String, DemandEstimate> demand = new ConcurrentHashMap<>();

    /**
     * What the pool's demand looks like now: the burst on (or null), the next forecast burst (or
     * null), whether its pre-warm is on, and the size of the bursts so far (0: none closed yet).
     */
    private record Outlook(DemandEstimate.Burst open, BurstForecast next, boolean prewarm, int expectedSize,
            BurstOnset onset) {

        boolean refillAtOnce() {
            return open != null || prewarm;
        }
    }

    AdaptiveRefillPolicy(Parameters p, RefillTimes refillTimes, Supplier<OptionalLong> availableBytes,
            StartCapacity starts) {
        this.p = p;
        this.refillTimes = refillTimes;
        this.starts = starts;
        this.shares = new MemoryShares(availableBytes);
    }

    /**
     * Every request of every pool counts, whichever policy runs it, so a switch to adaptive starts
     * informed. Classified and recorded in one step, in arrival order: requests of a burst arrive
     * together on several threads, and one classified before another was recorded but recorded
     * after it would end the burst it belongs to (splitting it in two, which breaks its period).
     */
    void observe(Pool pool, long nowNanos) {
        DemandEstimate d = demand(pool.template);
        long burstWindow = p.burstWindow().toNanos();
        synchronized (d) {
            long now = Math.max(nowNanos, d.lastNanos());
            int recent = d.recent(now, burstWindow) + 1;
            boolean burst = recent >= burstThreshold(d.backgroundPerBin(now, p.window().toNanos(), burstWindow));
            d.request(now, p.burstMemory().toNanos(), burstWindow, burst);
        }
    }

    /**
     * While a burst is on or one is due, the request's own claim is refilled at once: a reconcile
     * just after the claim (the engine wakes the pool for the policy's next timer), which sees the
     * gap and fills it.
     */
    @Override
    public void requested(Pool pool, long nowNanos) {
        if (outlook(pool, nowNanos).refillAtOnce()) {
            pool.refill.add(nowNanos + CLAIM_SETTLE_NANOS);
        } else {
            calm.requested(pool, nowNanos);
        }
    }

    @Override
    public void used(Pool pool, long nowNanos) {
        if (outlook(pool, nowNanos).refillAtOnce()) {
            pool.refill.hold(false);
            pool.refill.add(nowNanos);
        } else {
            calm.used(pool, nowNanos);
        }
    }

    @Override
    public void refillNow(Pool pool, long nowNanos) {
        calm.refillNow(pool, nowNanos);
    }

    @Override
    public void refillAfter(Pool pool, Duration delay, long nowNanos) {
        calm.refillAfter(pool, delay, nowNanos);
    }

    @Override
    public int want(PoolSettings settings) {
        return settings.max();
    }

    @Override
    public int want(Pool pool, long nowNanos) {
        PoolSettings s = pool.settings;
        if (s.max() <= 0) {
            shares.forget(pool.template);
            pool.decision = "preload-dispvm-max is 0: no preloads";
            pool.adaptiveReason = Reason.MAX_ZERO;
            return 0;
        }
        CalmWants.DemandNow demand = CalmWants.demand(p, demand(pool.template), refillSeconds(pool), s.max(), nowNanos);
        Outlook o = outlook(pool, nowNanos);
        Want w = o.open() != null ? inBurst(pool, demand, o)
                : o.prewarm() ? beforeBurst(pool, demand, o)
                : CalmWants.calm(p, demand, o.next(), o.onset());
        int want = Math.max(w.floor(), Math.min(w.count(), s.max()));
        shares.wants(pool, want, demand.calmRate());
        int shared = shares.shareOf(pool.template, want);
        pool.decision = shared < want ? w.why() + "; " + shares.reason(pool.template, shared) : w.why();
        pool.adaptiveReason = w.reason();
        return shared;
    }

    /** Why a pool wants what it wants: the code beside the words of {@link Pool#decision}, for tests and tools. */
    enum Reason {
        /** preload-dispvm-max is 0. */
        MAX_ZERO,
        /** No request seen yet: the max, as a fixed pool. */
        NO_REQUEST_YET,
        /** No request for a while: shrunk to 1. */
        IDLE,
        /** The first burst, sized as steady demand at its rate. */
        FIRST_BURST,
        /** A burst like earlier ones: what it still brings. */
        BURST_ON,
        /** A burst that brought what bursts bring, its claims made: the steady want, the surplus released. */
        BURST_BROUGHT,
        /** Ahead of a forecast burst: its pre-warm. */
        BEFORE_BURST,
        /** Requests come only in bursts and the next is forecast: none held until its pre-warm. */
        BETWEEN_BURSTS,
        /** Steady demand: Erlang C at the calm rate. */
        STEADY,
        /** Rising demand: Erlang C at the calm rate carried forward by its trend, which wants more than the rate counted. */
        RISING,
        /** Bursts at random times over calm demand: what a burst's first seconds take ({@link BurstOnset}). */
        BURST_ONSET,
        /** Requests only in bursts, none forecast: Erlang C at the rate of all requests, at most the bursts' size. */
        BURSTS_UNFORECAST
    }

    /** A want before memory shares, the least it may be, why (code and words). */
    record Want(int count, int floor, Reason reason, String why) {

        Want(int count, Reason reason, String why) {
            this(count, 1, reason, why);
        }
    }

    /**
     * While a burst is on: what it still brings (the first burst, whose size is not known: the
     * steady want at the rate of all requests, its own included, since a pool's first minutes
     * have no background to stand out against and steady traffic can look like a burst there,
     * and at least what its requests bring at their rate so far until a refill is ready,
     * {@link BurstOnset#openCover}).
     * Never below what the pool holds while the burst still brings requests or a claim may be
     * pending: the burst is taking it, and a trim between a request's arrival (counted in the
     * burst) and its claim would remove the preload it is about to take. Once it has brought
     * what bursts bring, the rest is surplus and goes at once (on QEMU, refills that came too
     * late for the burst were held until the burst window closed, 30 s of memory for nothing).
     */
    private Want inBurst(Pool pool, CalmWants.DemandNow demand, Outlook o) {
        int size = o.open().size();
        int steady = demand.steady(p.missTarget());
        if (o.expectedSize() == 0) {
            double rate = demand.requests().ratePerSecond(demand.nowNanos(), p.window().toNanos());
            double ready = refillTimes.medianSeconds(pool.template, p.defaultRefill());
            int cover = BurstOnset.openCover(o.open(), demand.nowNanos(), ready);
            int sized = PoissonDemand.smallestPool(rate * demand.refillSeconds(), p.missTarget(), demand.max());
            int want = Math.max(Math.max(sized, cover), Math.max(steady, pool.held()));
            return new Want(want, Reason.FIRST_BURST, String.format(Locale.ROOT, "burst of %d in %d s, the first seen: sized as steady demand"
                    + " at its rate, at least the %d its rate brings until a refill is ready, want %d, refilled at once", size,
                    p.burstWindow().toSeconds(), cover, Math.min(want, demand.max())));
        }
        int toCome = Math.max(0, o.expectedSize() - size);
        if (toCome == 0 && demand.nowNanos() - demand.requests().lastNanos() >= CLAIM_PENDING_NANOS) {
            // brought what bursts bring, every claim made: what is left is surplus, released now, not when the burst window closes
            return new Want(steady, 0, Reason.BURST_BROUGHT, String.format(Locale.ROOT, "burst of %d brought what bursts"
                    + " bring (%d): the %d left released, want %d", size, o.expectedSize(), pool.held(), steady));
        }
        return new Want(Math.max(steady, Math.max(toCome, pool.held())), 0, Reason.BURST_ON, String.format(Locale.ROOT,
                "burst of %d so far, bursts bring %d: want the %d to come, refilled at once", size, o.expectedSize(), toCome));
    }

    /** Ahead of a forecast burst: its size less the requests since the pre-warm began, never below what it holds. */
    private Want beforeBurst(Pool pool, CalmWants.DemandNow demand, Outlook o) {
        long now = demand.nowNanos();
        int arrived = demand.requests().recent(now, now - (o.next().dueNanos() - lead(pool, o.next().size())));
        int want = Math.max(demand.steady(p.missTarget()), Math.max(o.next().size() - arrived, pool.held()));
        return new Want(want, Reason.BEFORE_BURST, String.format(Locale.ROOT, "bursts of %d every %d s: ready for the next, due in %d s",
                o.next().size(), Duration.ofNanos(o.next().periodNanos()).toSeconds(),
                Math.max(0, Duration.ofNanos(o.next().dueNanos() - now).toSeconds())));
    }

    /**
     * While a burst is on or one is due, every gap is filled at once; otherwise Qubes' timers run,
     * and the pool is looked at again when the next forecast burst's pre-warm begins.
     */
    @Override
    public Plan plan(Pool pool, long nowNanos) {
        Outlook o = outlook(pool, nowNanos);
        pool.startsAtOnce = starts.estimate().atOnce();
        RefillTimers timers = pool.refill;
        if (o.refillAtOnce()) {
            timers.takeWoken(nowNanos);
            timers.hold(false);
            // look again when the burst may be over or the pre-warm ends, to shrink back
            Plan atOnce = new Plan(true, p.burstWindow());
            return o.open() != null ? atOnce : claimsRefilled(pool, starts.limit(atOnce), nowNanos);
        }
        Plan c = claimsRefilled(pool, starts.limit(calm.plan(pool, nowNanos)), nowNanos);
        if (o.next() == null) {
            return c;
        }
        Duration untilPrewarm = Duration.ofNanos(Math.max(1, o.next().dueNanos() - lead(pool, o.next().size()) - nowNanos));
        return c.askingAgainAfter(c.askAgainAfter() == null || untilPrewarm.compareTo(c.askAgainAfter()) < 0
                ? untilPrewarm : c.askAgainAfter());
    }

    /**
     * The start limit never holds back the refill of a preload taken within the last refill time:
     * held back, the next request starts cold, no cheaper for the host (a ramp to 8/min, its cold
     * starts counted as under way, had 20 cold starts of 244 against R4.3's 1).
     */
    private Plan claimsRefilled(Pool pool, Plan plan, long nowNanos) {
        int claimed = demand(pool.template).recent(nowNanos, (long) (refillSeconds(pool) * 1e9));
        if (claimed <= plan.maxStarts()) {
            return plan;
        }
        return new Plan(plan.fillNow(), plan.askAgainAfter(), claimed, String.format(Locale.ROOT,
                "%d taken in the last %.1f s refill, refilled whatever the host sustains (%s)", claimed,
                refillSeconds(pool), plan.startsReason()));
    }

    private Outlook outlook(Pool pool, long nowNanos) {
        DemandEstimate d = demand(pool.template);
        DemandEstimate.Burst open = d.openBurst(nowNanos, p.burstWindow().toNanos());
        List<DemandEstimate.Burst> bursts = d.bursts();
        List<DemandEstimate.Burst> closed = open == null ? bursts : bursts.subList(0, bursts.size() - 1);
        BurstForecast next = BurstForecast.of(closed, nowNanos, p.regularity(), p.burstWindow().toNanos()).orElse(null);
        boolean prewarm = next != null && next.covers(nowNanos, lead(pool, next.size()), p.burstWindow().toNanos());
        BurstOnset onset = BurstOnset.of(closed, refillTimes.medianSeconds(pool.template, p.defaultRefill())).orElse(null);
        return new Outlook(open, next, prewarm, onset == null ? 0 : onset.size(), onset);
    }

    /**
     * How long before a forecast burst its preloads start: a start → ready time for each wave of
     * as many as the host sustains at once, plus {@code leadMargin} of one. The time is the one
     * measured at that many at once, once measured: the pool's own median (no
     * preload-dispvm-delay: a pre-warm starts at once) mixes every level its starts ran at, and
     * on QEMU its slow probes (6 at once, 14 s) held it near 8 s where a wave of 3 took 5 s, so
     * each pre-warm held its preloads twice as long as it had to.
     */
    private long lead(Pool pool, int size) {
        int atOnce = Math.max(1, starts.estimate().atOnce());
        int waves = (size + atOnce - 1) / atOnce;
        double each = starts.secondsAt(atOnce);
        double seconds = Double.isNaN(each) ? refillTimes.medianSeconds(pool.template, p.defaultRefill()) : each;
        return (long) ((waves + p.leadMargin()) * seconds * 1e9);
    }

    private double refillSeconds(Pool pool) {
        return refillTimes.medianSeconds(pool.template, p.defaultRefill()) + Math.max(0, pool.settings.delaySeconds());
    }

    /** The pool runs another policy now: it no longer takes part in memory shares. */
    void forget(String template) {
        shares.forget(template);
    }

    /** Requests within the burst window that make a burst over {@code background} per window ({@link PoissonDemand}). */
    int burstThreshold(double background) {
        return PoissonDemand.burstThreshold(background, p.burstChance(), p.burstMin());
    }

    private DemandEstimate demand(String template) {
        return demand.computeIfAbsent(template, t -> new DemandEstimate());
    }
}
