package dispool.pool;

import dispool.host.QubesHost;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The engine's refill policies and which one runs each pool: the template's
 * {@value #FEATURE} feature when it names one, else the service's default
 * ({@code dispool.engine.policy}). {@code qubes} is R4.3's behaviour ({@link QubesRefillPolicy});
 * {@code adaptive} sizes pools to their demand ({@link AdaptiveRefillPolicy}). A policy decides
 * only how many preloads a pool wants and when to start them: a switch takes effect at the pool's
 * next reconcile, and its timers and preloads carry over as they are.
 */
public final class RefillPolicies implements RefillPolicy {

    /**
     * The template feature that picks a pool's policy. Named {@code preload-dispvm-*}: Qubes copies
     * every other feature of a DVM template into each disposable made from it, and into its clones
     * and backups ({@link Marks}).
     */
    public static final String FEATURE = "preload-dispvm-x-dispool-policy";
    /** Its name before 2026-12 ({@link Recovery} renames it). */
    static final String LEGACY_FEATURE = "x-dispool-policy";
    public static final String QUBES = "qubes";
    public static final String ADAPTIVE = "adaptive";
    public static final List<String> NAMES = List.of(QUBES, ADAPTIVE);

    private final QubesHost host;
    private final QubesRefillPolicy qubes = new QubesRefillPolicy();
    private final AdaptiveRefillPolicy adaptive;
    private volatile String defaultPolicy = QUBES;

    /** @param starts how many preloads the host starts at once, measured (the adaptive policy's limit) */
    RefillPolicies(QubesHost host, PoolEvents events, StartCapacity starts) {
        this.host = host;
        RefillTimes times = new RefillTimes();
        events.addListener(times);
        this.adaptive = new AdaptiveRefillPolicy(AdaptiveRefillPolicy.Parameters.DEFAULTS, times, host::availableMemory,
                starts);
    }

    /** The policy name, checked: one of {@link #NAMES}. */
    public static String validate(String field, String value) {
        String v = value == null ? "" : value.trim();
        if (!NAMES.contains(v)) {
            throw DispoolException.invalid(field, value, "one of " + NAMES, field + " '" + value + "' refused: must be one "
                    + "of " + NAMES);
        }
        return v;
    }

    void setDefault(String policy) {
        defaultPolicy = validate("policy", policy);
    }

    String defaultPolicy() {
        return defaultPolicy;
    }

    private RefillPolicy of(Pool pool) {
        return ADAPTIVE.equals(pool.policy) ? adaptive : qubes;
    }

    @Override
    public void requested(Pool pool, long nowNanos) {
        adaptive.observe(pool, nowNanos);
        of(pool).requested(pool, nowNanos);
    }

    @Override
    public void used(Pool pool, long nowNanos) {
        of(pool).used(pool, nowNanos);
    }

    @Override
    public void refillNow(Pool pool, long nowNanos) {
        of(pool).refillNow(pool, nowNanos);
    }

    @Override
    public void refillAfter(Pool pool, Duration delay, long nowNanos) {
        of(pool).refillAfter(pool, delay, nowNanos);
    }

    @Override
    public int want(PoolSettings settings) {
        return settings.max();
    }

    /**
     * Picks the pool's policy from its feature (read with the settings, at each reconcile), then asks
     * it. The pool's decision is written once per policy's answer, never cleared on the way: views
     * read it without a lock (a tick of {@code dispool top} showed no decision beside the adaptive
     * policy's reason code while it was cleared here).
     */
    @Override
    public int want(Pool pool, long nowNanos) {
        Choice c = choose(pool);
        pool.policy = c.policy();
        if (!ADAPTIVE.equals(c.policy())) {
            adaptive.forget(pool.template);
            pool.decision = c.note(); // R4.3's policy has no decision of its own to show
            return qubes.want(pool, nowNanos);
        }
        int want = adaptive.want(pool, nowNanos);
        if (c.note() != null) {
            pool.decision = c.note() + "; " + pool.decision;
        }
        return want;
    }

    @Override
    public Plan plan(Pool pool, long nowNanos) {
        return of(pool).plan(pool, nowNanos);
    }

    /** The policy a pool runs, and why when it is not the one its feature names (null when it is). */
    private record Choice(String policy, String note) {
    }

    private Choice choose(Pool pool) {
        Optional<String> feature = pool.settings.dvmTemplate() ? host.feature(pool.template, FEATURE) : Optional.empty();
        String v = feature.map(String::trim).orElse("");
        if (v.isEmpty()) {
            return new Choice(defaultPolicy, null);
        }
        if (!NAMES.contains(v)) {
            return new Choice(defaultPolicy, pool.template + ": " + FEATURE + " '" + feature.get() + "' is not a policy (one of "
                    + NAMES + "): running " + defaultPolicy);
        }
        return new Choice(v, null);
    }
}
