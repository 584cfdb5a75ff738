package dispool.pool;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * Qubes R4.3's refill rules (qubes/vm/dispvm.py and qubes/vm/mix/dvmtemplate.py; keep in sync):
 * <ul>
 * <li>Every use of a preload starts its own timer sleeping {@code preload-dispvm-delay}
 *     ({@code use_preload} → {@code on_domain_preload_dispvm_used}). Timers stack; the first to
 *     wake fills the whole gap, later ones fill what is missing then.</li>
 * <li>Every request that finds the pool below its max (before it claims anything) starts a gap
 *     timer sleeping max(5 s, delay) ({@code request_preload} → {@code fill_preload_gap}), cold
 *     requests included.</li>
 * <li>A negative delay: a use while preloads are left starts nothing and holds the pool; the use
 *     that empties it starts a timer sleeping |delay|. A request's gap timer runs only when the
 *     pool is empty.</li>
 * <li>A knob change, the service start and a resume fill at once; outdated preloads are refilled
 *     after a pause ({@code refresh_outdated_preload}).</li>
 * </ul>
 * A gap that no timer is waiting for (a failed or removed preload, memory that was short) is
 * filled at once, after the pool's backoff; Qubes leaves it until the next trigger.
 */
final class QubesRefillPolicy implements RefillPolicy {

    /** {@code fill_preload_gap}'s floor on a request's gap refill. */
    static final double GAP_DELAY_FLOOR_SECONDS = 5;

    @Override
    public void requested(Pool pool, long nowNanos) {
        PoolSettings s = pool.settings;
        int held = pool.held();
        if (held >= want(s) || (s.delaySeconds() < 0 && held > 0)) {
            return;
        }
        pool.refill.add(nowNanos + seconds(Math.max(GAP_DELAY_FLOOR_SECONDS, s.delaySeconds())));
    }

    @Override
    public void used(Pool pool, long nowNanos) {
        double delay = pool.settings.delaySeconds();
        if (delay < 0) {
            pool.refill.hold(true);
            if (pool.held() > 0) {
                return;
            }
        }
        pool.refill.add(nowNanos + seconds(Math.abs(delay)));
    }

    @Override
    public void refillNow(Pool pool, long nowNanos) {
        pool.refill.hold(false);
        pool.refill.add(nowNanos);
    }

    @Override
    public void refillAfter(Pool pool, Duration delay, long nowNanos) {
        pool.refill.add(nowNanos + delay.toNanos());
    }

    @Override
    public int want(PoolSettings settings) {
        return settings.max();
    }

    @Override
    public Plan plan(Pool pool, long nowNanos) {
        RefillTimers timers = pool.refill;
        boolean woke = timers.takeWoken(nowNanos);
        if (woke) {
            timers.hold(false);
        }
        OptionalLong next = timers.next();
        Duration askAgain = next.isPresent() ? Duration.ofNanos(Math.max(1, next.getAsLong() - nowNanos)) : null;
        boolean fillNow = woke || (next.isEmpty() && !timers.isHeld());
        return new Plan(fillNow, askAgain);
    }

    private static long seconds(double s) {
        return (long) (s * 1e9);
    }
}
