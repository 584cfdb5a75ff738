package dispool.bench;

import java.util.List;
import java.util.Map;

/**
 * One traffic scenario under one refill policy.
 *
 * @param traffic      what was sent
 * @param policy       the refill policy of every template
 * @param samples      one per request, in arrival order
 * @param stats        of request → usable (host ms)
 * @param ready        requests that found a ready preload
 * @param waited       requests that waited for a preload still starting
 * @param cold         requests served by a cold start
 * @param spanMs       host time from the first request to the last reply
 * @param mibSeconds   memory held by preloads over the span, all templates (MiB·s)
 * @param heldMean     mean preloads held per template over the span
 * @param perTemplate  request → usable stats per template
 * @param refused      refusals (memory, too many cold starts at once) that were retried
 */
public record TrafficResult(Traffic traffic, String policy, List<Sample> samples, Stats stats, int ready, int waited,
        int cold, double spanMs, double mibSeconds, Map<String, Double> heldMean, Map<String, Stats> perTemplate, int refused) {

    /** preload-dispvm-max per template during the run. */
    public Map<String, Integer> maxes() {
        return traffic.maxesFor(policy);
    }

    /** Share of requests served cold. */
    public double coldShare() {
        return samples.isEmpty() ? 0 : (double) cold / samples.size();
    }

    /** Share of requests that found no ready preload. */
    public double missShare() {
        return samples.isEmpty() ? 0 : (double) (waited + cold) / samples.size();
    }
}
