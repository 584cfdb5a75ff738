package dispool.pool;

import dispool.host.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reconciles one pool: desired preloads (the effective max, bounded by memory) against actual
 * (free preloads of the current template generation). Safe to run from any state and any number
 * of times; it is never told what triggered it, so a lost event costs nothing but a delay until
 * the next run. It never waits for a qube: it starts or discards, and returns when to run again.
 */
final class PoolReconciler {

    /** What the runner should do after a reconcile: nothing, or run again after a host-time delay. */
    record Next(Duration after) {
        static final Next DONE = new Next(null);

        static Next after(long hostNanos) {
            return new Next(Duration.ofNanos(Math.max(1, hostNanos)));
        }

        /** Whichever of the two runs first; DONE only when both are. */
        Next orSooner(Next other) {
            if (after == null) {
                return other;
            }
            return other.after == null || after.compareTo(other.after) <= 0 ? this : other;
        }
    }

    /** Qubes' pauses before refilling outdated preloads (qubes/vm/mix/dvmtemplate.py). */
    static final Duration PROPERTY_REFILL_DELAY = Duration.ofSeconds(30);
    static final Duration VOLUME_REFILL_DELAY = Duration.ofSeconds(4);

    private final SettingsReader reader;
    private final PreloadLifecycle lifecycle;
    private final MemoryGate memory;
    private final PoolEvents events;
    private final Clock clock;
    private final Duration memoryRetry;
    private final RefillPolicy policy;
    private final OutdatedVolumes volumes;
    /** Held while a pool decides its starts from the starts under way host-wide and counts them in. */
    private final Object filling = new Object();

    PoolReconciler(SettingsReader reader, PreloadLifecycle lifecycle, MemoryGate memory, PoolEvents events, Clock clock,
            Duration memoryRetry, RefillPolicy policy, OutdatedVolumes volumes) {
        this.policy = policy;
        this.volumes = volumes;
        this.reader = reader;
        this.lifecycle = lifecycle;
        this.memory = memory;
        this.events = events;
        this.clock = clock;
        this.memoryRetry = memoryRetry;
    }

    Next reconcile(Pool pool, String drain) {
        PoolSettings s = reader.refresh(pool);
        if (s.dvmTemplate()) {
            discardOutdated(pool, s.fingerprint());
        }
        // the gap is the want less what the pool held when the want was decided: a preload claimed
        // in between was in the want (a policy may count it), and the hand-out's own reconcile
        // refills it if the policy wants it back, so it is not started twice
        int heldAtWant = pool.held();
        int target = drain != null || !s.dvmTemplate() ? 0 : policy.want(pool, clock.nanos());
        pool.want = target;
        trimExcess(pool, target, drain != null ? drain
                : !s.dvmTemplate() ? pool.template + " is gone or no longer a DVM template"
                : target < s.max() ? "the " + pool.policy + " policy wants " + target + " of " + s.max() + ": " + pool.decision
                : "preload-dispvm-max lowered to " + target);
        return fill(pool, s, target - Math.max(heldAtWant, pool.held()));
    }

    /**
     * A changed template (private volume size or a property Qubes compares) outdates every
     * preload; Qubes refills 30 s later ({@code on_dvmtemplate_property_changed}), at once after
     * a new TemplateVM ({@code property-set:template}).
     */
    private void discardOutdated(Pool pool, Fingerprint current) {
        Fingerprint known = pool.knownFingerprint;
        if (known != null && !known.equals(current)) {
            List<String> diff = known.diff(current);
            pool.generation++;
            for (Preload p : pool.preloads) {
                if (p.generation != pool.generation) {
                    lifecycle.discard(pool, p, "outdated: " + pool.template + " changed (" + String.join(", ", diff) + ")");
                }
            }
            policy.refillAfter(pool, diff.equals(List.of(Fingerprint.TEMPLATE)) ? Duration.ZERO : PROPERTY_REFILL_DELAY,
                    clock.nanos());
        }
        pool.knownFingerprint = current;
        pool.templateSuspect = false;
        discardOutdatedVolumes(pool);
    }

    /**
     * After an update of the DVM template or its TemplateVM (their {@code domain-shutdown}), and
     * on the periodic resync: reads every named preload's volumes; outdated ones are never handed
     * out (a requester holding one still starting re-checks) and free ones are discarded. Qubes
     * refills 4 s later ({@code refresh_outdated_preload}).
     */
    private void discardOutdatedVolumes(Pool pool) {
        long changes = pool.volumeChanges.get();
        if (changes == pool.volumesCheckedAt && !pool.volumesToCheck) {
            return;
        }
        pool.volumesToCheck = false;
        boolean discarded = false;
        for (Preload p : pool.preloads) {
            List<String> outdated = p.name == null ? List.of() : volumes.of(p.name);
            if (!outdated.isEmpty()) {
                p.outdated = true;
                discarded |= lifecycle.discard(pool, p, "outdated volume(s) " + String.join(", ", outdated)
                        + ": " + pool.template + " or its TemplateVM changed since it started");
            }
        }
        pool.volumesCheckedAt = changes;
        if (discarded) {
            policy.refillAfter(pool, VOLUME_REFILL_DELAY, clock.nanos());
        }
    }

    /** Removes free preloads beyond the target, newest first (the oldest are closest to a hand-out). */
    private void trimExcess(Pool pool, int target, String reason) {
        int excess = pool.held() - target;
        for (Preload p : pool.freeNewestFirst()) {
            if (excess <= 0) {
                return;
            }
            if (lifecycle.discard(pool, p, reason)) {
                excess--;
            }
        }
    }

    /**
     * Fills the gap when the refill policy says now, after the pool's backoff, as many at once as
     * the policy's start limit allows and memory admits; runs again when the policy's next timer
     * wakes. What the start limit held back is still owed: it starts as starts finish (the
     * engine reconciles such pools then), without waiting for the policy's next timer.
     *
     * <p>The host-wide start limit counts every pool's starts under way, so deciding how many to
     * start and counting them in ({@link Pool#startsDecided}) is one step under {@code filling}: a
     * second pool deciding meanwhile counts them. The memory figure is a host call (on qubesd
     * without qmemman's file, a listing and two Admin API calls per disposable), so it is read
     * after that step, with no lock of the reconciler held: pools fill in parallel.
     */
    private Next fill(Pool pool, PoolSettings s, int gap) {
        Starts d = decideStarts(pool, gap);
        if (d.count() == 0) {
            return d.timer();
        }
        try {
            MemoryGate.Admission a = memory.admit(pool.template, d.count(), s.thresholdMiB(), s.memoryMiB());
            pool.admission = a;
            for (int i = 0; i < a.allowed(); i++) {
                lifecycle.startPreload(pool, s);
            }
            if (d.reason() != null) {
                pool.decision = withStarts(pool.decision, a.allowed(), pool.deferredStarts, d.reason());
            }
            if (a.allowed() < d.count()) {
                events.publish(new PoolEvent(PoolEvent.Type.MEMORY_WAIT, pool.template, null, a.reason(), clock.millis(),
                        Map.of("waiting", d.count() - a.allowed(), "availableMiB", a.availableMiB() == null ? -1 : a.availableMiB())));
                return new Next(memoryRetry).orSooner(d.timer());
            }
            return d.timer();
        } finally {
            pool.startsDecided.addAndGet(-d.count()); // started ones count as starting from here
        }
    }

    /** How many preloads to start now (counted in {@link Pool#startsDecided}), and when to look again. */
    private record Starts(int count, Next timer, String reason) {
    }

    /** The policy's plan, the backoff and the start limit; no host call (it runs under {@code filling}). */
    private Starts decideStarts(Pool pool, int gap) {
        synchronized (filling) {
            long now = clock.nanos();
            RefillPolicy.Plan plan = policy.plan(pool, now);
            Next timer = plan.askAgainAfter() == null ? Next.DONE : new Next(plan.askAgainAfter());
            int owed = plan.fillNow() ? gap : Math.min(gap, pool.deferredStarts);
            if (owed <= 0) {
                pool.deferredStarts = 0;
                return new Starts(0, timer, null);
            }
            long backoff = pool.backoff.waitNanos(now);
            if (backoff > 0) {
                return new Starts(0, Next.after(backoff).orSooner(timer), null);
            }
            int starts = Math.min(owed, plan.maxStarts());
            pool.deferredStarts = owed - starts;
            if (starts == 0) {
                pool.decision = withStarts(pool.decision, 0, owed, plan.startsReason());
                return new Starts(0, timer, null);
            }
            pool.startsDecided.addAndGet(starts);
            return new Starts(starts, timer, plan.startsReason());
        }
    }

    /** "…; starting 2 at once, 1 more as starts finish: the host sustains 3 at once (…)". */
    private static String withStarts(String decision, int started, int deferred, String reason) {
        String starts = started > 0
                ? "starting " + started + " at once" + (deferred > 0 ? ", " + deferred + " more as starts finish" : "")
                : deferred + " to start as starts finish";
        String text = starts + ": " + reason;
        return decision == null ? text : decision + "; " + text;
    }
}
