package dispool.pool;

import java.time.Duration;

/**
 * The effective settings of one pool, as read from the host at the last reconcile.
 *
 * @param dvmTemplate     the template exists and has {@code template_for_dispvms=True}
 * @param max             effective {@code preload-dispvm-max} (0 when unset or empty)
 * @param maxSource       where {@link #max} came from
 * @param maxWarning      a problem with the value found on the host (junk, over the limit), or null
 * @param thresholdMiB    {@code preload-dispvm-threshold} of dom0, MiB (0 when unset)
 * @param delaySeconds    {@code preload-dispvm-delay}: template's, else dom0's, else 3 s
 * @param memoryMiB       the template's {@code memory}: what each preload takes
 * @param qrexecTimeout   the template's {@code qrexec_timeout}: limit of each readiness call
 * @param waitForSession  also wait for {@code qubes.WaitForSession} (GUI with late GUI daemon)
 * @param fingerprint     what a preload must match to be current
 */
public record PoolSettings(boolean dvmTemplate, int max, MaxSource maxSource, String maxWarning, long thresholdMiB,
        double delaySeconds, long memoryMiB, Duration qrexecTimeout, boolean waitForSession, Fingerprint fingerprint) {

    /** Where a pool's max comes from: the template's own feature, dom0's global one, or nowhere. */
    public enum MaxSource { LOCAL, GLOBAL, UNSET }

    /** Settings of a template that is gone or no DVM template: it holds no preloads. */
    static PoolSettings none(long thresholdMiB) {
        return new PoolSettings(false, 0, MaxSource.UNSET, null, thresholdMiB, PreloadFeatures.DEFAULT_DELAY_SECONDS,
                0, Duration.ofSeconds(60), false, Fingerprint.UNKNOWN);
    }

    /** The DVM template's TemplateVM (its {@code template}), or null when unknown. */
    String templateVm() {
        return fingerprint.templateVm();
    }

    /** How long a requester waits for a preload still starting: 1.2 × qrexec_timeout, as qubesd. */
    Duration requesterWait() {
        return Duration.ofMillis(qrexecTimeout.toMillis() * 12 / 10);
    }
}
