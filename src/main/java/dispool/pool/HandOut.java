package dispool.pool;

import java.util.Map;

/**
 * A disposable given to a caller: running, operational, and no longer dispool's.
 *
 * @param name          the disposable, {@code dispN}
 * @param template      its DVM template
 * @param preloaded     true when it came from the pool, false for a cold start
 * @param timings       host-time milliseconds per stage, in order (claim, unpause; or create,
 *                      start, operational; wait-operational for a preload still starting)
 * @param usableAfterMs host-time milliseconds from the request to a usable disposable
 */
public record HandOut(String name, String template, boolean preloaded, Map<String, Double> timings, double usableAfterMs) {
}
