package dispool.bench;

import java.util.List;

/**
 * A scenario's samples and their summary.
 *
 * @param scenario  what was run
 * @param samples   one per request, in request order
 * @param stats     of {@link Sample#usableAfterMs()}
 * @param elapsedMs host time from the first request to the last removal
 * @param ready     hand-outs that took a ready preload
 * @param waited    hand-outs that waited for a preload still starting
 * @param cold      hand-outs of a cold disposable
 */
public record ScenarioResult(Scenario scenario, List<Sample> samples, Stats stats, double elapsedMs, int ready,
        int waited, int cold) {

    public static ScenarioResult of(Scenario scenario, List<Sample> samples, double elapsedMs) {
        double[] values = samples.stream().mapToDouble(Sample::usableAfterMs).toArray();
        return new ScenarioResult(scenario, List.copyOf(samples), Stats.of(values), elapsedMs, count(samples, Sample.READY),
                count(samples, Sample.WAITED), count(samples, Sample.COLD));
    }

    /** Requests per host-time second over the scenario. */
    public double requestRatePerSecond() {
        return elapsedMs <= 0 ? 0 : samples.size() * 1000.0 / elapsedMs;
    }

    /** Share of requests that found no ready preload (waited or went cold). */
    public double missRatio() {
        return samples.isEmpty() ? 0 : (double) (waited + cold) / samples.size();
    }

    private static int count(List<Sample> samples, String path) {
        return (int) samples.stream().filter(s -> s.path().equals(path)).count();
    }
}
