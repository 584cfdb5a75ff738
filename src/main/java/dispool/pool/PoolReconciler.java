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

    private final SettingsReader reader;
    private final PreloadLifecycle lifecycle;
    private final MemoryGate memory;
    private final PoolEvents events;
    private final Clock clock;
    private final Duration memoryRetry;
    private final RefillPolicy policy;

    PoolReconciler(SettingsReader reader, PreloadLifecycle lifecycle, MemoryGate memory, PoolEvents events, Clock clock,
            Duration memoryRetry, RefillPolicy policy) {
        this.policy = policy;
        this.reader = reader;
        this.lifecycle = lifecycle;
        this.memory = memory;
        this.events = events;
        this.clock = clock;
        this.memoryRetry = memoryRetry;
    }

    Next reconcile(Pool pool, boolean suspended) {
        PoolSettings s = reader.read(pool.template);
        pool.settings = s;
        if (s.dvmTemplate()) {
            discardOutdated(pool, s.fingerprint());
        }
        int target = suspended || !s.dvmTemplate() ? 0 : policy.want(s);
        trimExcess(pool, target, suspended ? "host suspend: all preloads are removed before sleep"
                : !s.dvmTemplate() ? pool.template + " is gone or no longer a DVM template"
                : "preload-dispvm-max lowered to " + target);
        return fill(pool, s, target - pool.held());
    }

    /** A changed template (private volume size or a property Qubes compares) outdates every preload. */
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
        }
        pool.knownFingerprint = current;
        pool.templateSuspect = false;
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
     * Fills the gap when the refill policy says now, after the pool's backoff, as far as memory
     * admits; runs again when the policy's next timer wakes.
     */
    private Next fill(Pool pool, PoolSettings s, int gap) {
        long now = clock.nanos();
        RefillPolicy.Plan plan = policy.plan(pool, now);
        Next timer = plan.askAgainAfter() == null ? Next.DONE : new Next(plan.askAgainAfter());
        if (gap <= 0 || !plan.fillNow()) {
            return timer;
        }
        long backoff = pool.backoff.waitNanos(now);
        if (backoff > 0) {
            return Next.after(backoff).orSooner(timer);
        }
        MemoryGate.Admission a = memory.admit(pool.template, gap, s.thresholdMiB(), s.memoryMiB());
        pool.admission = a;
        for (int i = 0; i < a.allowed(); i++) {
            lifecycle.startPreload(pool, s);
        }
        if (a.allowed() < gap) {
            events.publish(new PoolEvent(PoolEvent.Type.MEMORY_WAIT, pool.template, null, a.reason(), clock.millis(),
                    Map.of("waiting", gap - a.allowed(), "availableMiB", a.availableMiB() == null ? -1 : a.availableMiB())));
            return new Next(memoryRetry).orSooner(timer);
        }
        return timer;
    }
}
