package dispool.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One pool as the API shows it.
 *
 * @param template      the DVM template
 * @param max           effective preload-dispvm-max
 * @param maxSource     {@code LOCAL} (the template's feature), {@code GLOBAL} (dom0's, for the
 *                      default_dispvm) or {@code UNSET}
 * @param thresholdMiB  preload-dispvm-threshold
 * @param delaySeconds  preload-dispvm-delay in effect for this template
 * @param memoryMiB     memory of each preload (the template's {@code memory})
 * @param preloads      every preload, oldest first
 * @param ready         preloads ready to hand out
 * @param starting      preloads still starting
 * @param admission     the last memory admission, with its figures and reason
 * @param lastFailure   the last startup failure, or null
 * @param failures      failures since the last success
 * @param retryInMs     host-time ms until the next attempt after failures (0: none pending)
 * @param warning       a problem with the knobs found on the host, or null
 * @param policy        the refill policy running the pool ({@code qubes} or {@code adaptive})
 * @param decision      the policy's last decision in words ("burst of 6 in 30 s…"), or null
 * @param want          free preloads the policy wanted at the last reconcile; -1 before the first
 * @param reasonCode    the adaptive policy's reason code for that want, or null (another policy)
 * @param startsAtOnce  the start-capacity estimate the adaptive policy last planned with; 0 for none
 * @param pausedMemoryMiB memory the pool's ready (paused) preloads hold now, summed over those whose
 *                      memory was read ({@link PreloadView#memoryMiB}): what it keeps from other qubes
 */
public record PoolView(String template, int max, PoolSettings.MaxSource maxSource, long thresholdMiB,
        double delaySeconds, long memoryMiB, List<PreloadView> preloads, int ready, int starting,
        MemoryGate.Admission admission, String lastFailure, int failures, long retryInMs, String warning, String policy,
        String decision, int want, String reasonCode, int startsAtOnce, long pausedMemoryMiB) {

    /** A pool no dispool policy decides for (qubesd fills it in native mode): no want, no reason, no estimate. */
    public PoolView(String template, int max, PoolSettings.MaxSource maxSource, long thresholdMiB, double delaySeconds,
            long memoryMiB, List<PreloadView> preloads, int ready, int starting, MemoryGate.Admission admission,
            String lastFailure, int failures, long retryInMs, String warning, String policy, String decision) {
        this(template, max, maxSource, thresholdMiB, delaySeconds, memoryMiB, preloads, ready, starting, admission,
                lastFailure, failures, retryInMs, warning, policy, decision, -1, null, 0, pausedMemoryMiB(preloads));
    }

    static PoolView of(Pool pool, long nowNanos) {
        List<PreloadView> preloads = new ArrayList<>();
        int ready = 0;
        int starting = 0;
        for (Preload p : pool.preloads) {
            preloads.add(new PreloadView(p.name, p.state, (nowNanos - p.createdNanos) / 1_000_000,
                    p.state == PreloadState.READY ? PreloadMemory.mib(p.memoryKiB) : null));
            ready += p.isFree() && p.state == PreloadState.READY ? 1 : 0;
            starting += p.isFree() && p.state.isStarting() ? 1 : 0;
        }
        PoolSettings s = pool.settings;
        return new PoolView(pool.template, s.max(), s.maxSource(), s.thresholdMiB(), s.delaySeconds(), s.memoryMiB(),
                preloads, ready, starting, pool.admission, pool.lastFailure, pool.backoff.failures(),
                TimeUnit.NANOSECONDS.toMillis(pool.backoff.waitNanos(nowNanos)), s.maxWarning(), pool.policy,
                pool.decision, pool.want, pool.adaptiveReason == null ? null : pool.adaptiveReason.name(),
                pool.startsAtOnce, pausedMemoryMiB(preloads));
    }

    private static long pausedMemoryMiB(List<PreloadView> preloads) {
        long sum = 0;
        for (PreloadView p : preloads) {
            sum += p.state() == PreloadState.READY && p.memoryMiB() != null ? p.memoryMiB() : 0;
        }
        return sum;
    }

    /**
     * One preload: its qube, state, age in host-time ms, and the memory it holds while paused in
     * MiB ({@code admin.vm.CurrentState}, read once it is paused; null before, or when it could not be read).
     */
    public record PreloadView(String name, PreloadState state, long ageMs, Long memoryMiB) {
    }
}
