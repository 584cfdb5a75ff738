package dispool.pool;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The {@code adaptive} refill policy: Qubes' timers while demand is calm, no delay while a burst
 * is on, and a pool sized to its demand inside the user's limits (never above
 * {@code preload-dispvm-max}; the memory gate still keeps {@code preload-dispvm-threshold} free).
 *
 * <p>The demand model, all parameters in {@link Parameters}:
 * <ul>
 * <li>rate λ = requests in the last {@code window} / the window; refill time R = the median of the
 *     pool's measured start → ready times (preload-dispvm-delay added outside bursts);</li>
 * <li>steady want = the smallest pool whose chance that a request must wait is at most
 *     {@code missTarget} when requests come at random at rate λ and each hand-out refills for R:
 *     Erlang C with offered load a = λ·R (a request that misses waits for a refill, so the pool
 *     is a queue, not a loss system);</li>
 * <li>a burst is on when more requests came within {@code burstWindow} than {@code burstMin} and
 *     than {@code burstFactor} times what the rate predicts for that window: the pool then wants
 *     at least as many as the burst so far and refills at once;</li>
 * <li>a burst seen within {@code burstMemory} keeps the pool as large as that burst between
 *     bursts (bursts come back: a user's morning, a script's batch);</li>
 * <li>a pool with no request for {@code idleAfter} shrinks to one preload (the first request
 *     after a quiet spell still finds one ready);</li>
 * <li>when the host's memory cannot hold every pool's want, the preloads it can hold are shared by
 *     rate, each pool with a max keeping at least one: no template starves, idle ones give first.</li>
 * </ul>
 * Whenever it fills, it starts at most as many at once as the host sustains, measured
 * ({@link StartCapacity}); the rest start as starts finish. Claiming, readiness, pausing and
 * removal are the engine's as for every policy.
 */
final class AdaptiveRefillPolicy implements RefillPolicy {

    /**
     * The model's parameters.
     *
     * @param window        demand rate window
     * @param burstMemory   how long a burst keeps the pool as large as itself
     * @param burstWindow   requests this close together form a burst
     * @param burstMin      requests within the burst window that make a burst, at least
     * @param burstFactor   a burst has this many times the requests the rate predicts for its window
     * @param idleAfter     no request for this long: the pool shrinks to one
     * @param missTarget    share of requests that may wait, in steady demand
     * @param defaultRefill refill time until one was measured (Qubes R4.3's cold start median)
     */
    record Parameters(Duration window, Duration burstMemory, Duration burstWindow, int burstMin, double burstFactor,
            Duration idleAfter, double missTarget,
            Duration defaultRefill) {

        static final Parameters DEFAULTS = new Parameters(Duration.ofMinutes(10), Duration.ofMinutes(60), Duration.ofSeconds(30), 3, 2.0,
                Duration.ofMinutes(10), 0.05, Duration.ofSeconds(7));
    }

    /** Host time after a request when its claim has been made, so the refill sees the gap. */
    static final long CLAIM_SETTLE_NANOS = 1_000_000;

    private final Parameters p;
    private final QubesRefillPolicy calm = new QubesRefillPolicy();
    private final RefillTimes refillTimes;
    private final StartCapacity starts;
    private final Supplier<OptionalLong> availableBytes;
    private final Map<String, DemandEstimate> demand = new ConcurrentHashMap<>();
    private final Map<String, Share> shares = new ConcurrentHashMap<>();

    /** A pool's last unshared want and its weight in a memory split. */
    private record Share(int want, double rate, int held, long memoryMiB, long thresholdMiB) {
    }

    AdaptiveRefillPolicy(Parameters p, RefillTimes refillTimes, Supplier<OptionalLong> availableBytes,
            StartCapacity starts) {
        this.p = p;
        this.refillTimes = refillTimes;
        this.starts = starts;
        this.availableBytes = availableBytes;
    }

    /** Every request of every pool counts, whichever policy runs it, so a switch to adaptive starts informed. */
    void observe(Pool pool, long nowNanos) {
        demand(pool.template).request(nowNanos, kept());
    }

    /**
     * In a burst the request's own claim is refilled at once: a reconcile just after the claim (the
     * engine wakes the pool for the policy's next timer), which sees the gap and fills it.
     */
    @Override
    public void requested(Pool pool, long nowNanos) {
        if (burstOn(pool, nowNanos)) {
            pool.refill.add(nowNanos + CLAIM_SETTLE_NANOS);
        } else {
            calm.requested(pool, nowNanos);
        }
    }

    @Override
    public void used(Pool pool, long nowNanos) {
        if (burstOn(pool, nowNanos)) {
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
            shares.remove(pool.template);
            pool.decision = "preload-dispvm-max is 0: no preloads";
            return 0;
        }
        DemandEstimate d = demand(pool.template);
        double rate = d.ratePerSecond(nowNanos, p.window().toNanos());
        int recent = d.recent(nowNanos, p.burstWindow().toNanos());
        int lastBurst = d.largestBurst(nowNanos, p.burstMemory().toNanos(), p.burstWindow().toNanos());
        boolean pastBurst = pastBurst(d, nowNanos);
        double refillSeconds = refillTimes.medianSeconds(pool.template, p.defaultRefill());
        int steady = smallestPool(rate * (refillSeconds + Math.max(0, s.delaySeconds())), p.missTarget(), s.max());
        String why;
        int want;
        if (burstOn(pool, nowNanos)) {
            want = Math.max(steady, recent);
            why = String.format(Locale.ROOT, "burst of %d in %d s: refill at once, want %d", recent,
                    p.burstWindow().toSeconds(), Math.min(want, s.max()));
        } else if (pastBurst && lastBurst > steady) {
            want = lastBurst;
            why = String.format(Locale.ROOT, "a burst of %d within the last %d min: keep %d ready for the next", lastBurst,
                    p.burstMemory().toMinutes(), Math.min(want, s.max()));
        } else if (d.lastNanos() == Long.MIN_VALUE || nowNanos - d.lastNanos() > p.idleAfter().toNanos()) {
            want = 1;
            why = "idle (no request for " + p.idleAfter().toMinutes() + " min): shrunk to 1";
        } else {
            want = steady;
            why = String.format(Locale.ROOT, "%.1f requests/min x %.1f s refill: want %d", rate * 60,
                    refillSeconds + Math.max(0, s.delaySeconds()), Math.min(want, s.max()));
        }
        want = Math.max(1, Math.min(want, s.max()));
        shares.put(pool.template, new Share(want, rate, pool.held(), s.memoryMiB(), s.thresholdMiB()));
        int shared = shareOfMemory(pool.template, want);
        pool.decision = shared < want ? why + "; " + shareReason(pool.template, shared) : why;
        return shared;
    }

    @Override
    public Plan plan(Pool pool, long nowNanos) {
        if (!burstOn(pool, nowNanos)) {
            return starts.limit(calm.plan(pool, nowNanos));
        }
        RefillTimers timers = pool.refill;
        timers.takeWoken(nowNanos);
        timers.hold(false);
        // look again when the burst may be over, to shrink back
        return starts.limit(new Plan(true, p.burstWindow()));
    }

    /**
     * The smallest pool (at most {@code limit}) in which a request waits with probability at most
     * {@code target}, at offered load {@code a}: Erlang C, from Erlang B's recurrence.
     */
    static int smallestPool(double a, double target, int limit) {
        double b = 1.0;
        for (int m = 1; m <= limit; m++) {
            b = a * b / (m + a * b);
            double waits = a >= m ? 1.0 : m * b / (m - a * (1 - b));
            if (waits <= target) {
                return m;
            }
        }
        return limit;
    }

    /** The pool runs another policy now: it no longer takes part in memory shares. */
    void forget(String template) {
        shares.remove(template);
    }

    /**
     * A burst is on: against the steady rate, or at {@code burstMin} requests once a burst was seen
     * within the burst memory (the bursts themselves raise the rate and would hide the next one).
     */
    private boolean burstOn(Pool pool, long nowNanos) {
        DemandEstimate d = demand(pool.template);
        int recent = d.recent(nowNanos, p.burstWindow().toNanos());
        return recent >= p.burstMin() && (pastBurst(d, nowNanos)
                || recent >= burstThreshold(d.ratePerSecond(nowNanos, p.window().toNanos())));
    }

    private boolean pastBurst(DemandEstimate d, long nowNanos) {
        return d.largestBurst(nowNanos, p.burstMemory().toNanos(), p.burstWindow().toNanos())
                >= burstThreshold(d.ratePerSecond(nowNanos, p.burstMemory().toNanos()));
    }

    /** Requests within the burst window that make a burst at this steady rate. */
    private int burstThreshold(double ratePerSecond) {
        return Math.max(p.burstMin(), (int) Math.ceil(p.burstFactor() * ratePerSecond * p.burstWindow().toSeconds()));
    }

    /** Requests are kept for the longer of the rate window and the burst memory. */
    private long kept() {
        return Math.max(p.window().toNanos(), p.burstMemory().toNanos());
    }

    private DemandEstimate demand(String template) {
        return demand.computeIfAbsent(template, t -> new DemandEstimate());
    }

    /**
     * The preloads this pool may hold when memory is short: the slots the host can hold (every
     * adaptive pool's held preloads plus the free memory above the threshold) split by rate, at
     * least one each. Unchanged when memory suffices or the host gives no figure.
     */
    private int shareOfMemory(String template, int want) {
        OptionalLong avail = availableBytes.get();
        Share mine = shares.get(template);
        if (avail.isEmpty() || mine == null || mine.memoryMiB() <= 0) {
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

    private String shareReason(String template, int shared) {
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
