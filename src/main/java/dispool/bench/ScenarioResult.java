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

    /**
     * Requests per host-time second the callers would make if every one found a ready preload:
     * each of the requests in flight cycles through a ready hand-out and a removal. This is the
     * demand the pool must meet; the measured rate is lower whenever requests had to wait.
     */
    public double offeredRatePerSecond() {
        double[] readyCycles = samples.stream().filter(s -> s.path().equals(Sample.READY))
                .mapToDouble(s -> s.clientMs() + s.removeMs()).toArray();
        double[] cycles = readyCycles.length > 0 ? readyCycles
                : samples.stream().mapToDouble(s -> s.clientMs() + s.removeMs()).toArray();
        return scenario.inFlight() * 1000.0 / Stats.of(cycles).median();
    }

    /** Share of requests that found no ready preload (waited or went cold). */
    public double missRatio() {
        return samples.isEmpty() ? 0 : (double) (waited + cold) / samples.size();
    }

    private static int count(List<Sample> samples, String path) {
        return (int) samples.stream().filter(s -> s.path().equals(path)).count();
    }
}
