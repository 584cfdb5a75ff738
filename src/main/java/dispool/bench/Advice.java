package dispool.bench;

import dispool.pool.PreloadFeatures;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Recommends a preload-dispvm-max per template from a bench run, and says why in plain words:
 * the refill time comes from the cold scenario (plus the refill delay), the request rate from the
 * busiest preloaded scenario, the chance of running dry from {@link PoolModel}, and the sweep's
 * measured misses are shown beside the model.
 */
public final class Advice {

    private Advice() {
    }

    /**
     * @param target        highest acceptable share of requests that find no ready preload (0.01 = 1%)
     * @param delaySeconds  the refill delay the pools had (preload-dispvm-delay)
     * @param memoryMiB     memory of one preload of the template
     */
    public static List<String> explain(BenchRun run, String template, double target, double delaySeconds, long memoryMiB) {
        List<String> out = new ArrayList<>();
        Optional<ScenarioResult> cold = of(run, template).filter(r -> !r.scenario().preloaded() && r.scenario().inFlight() == 1)
                .findFirst();
        Optional<ScenarioResult> busiest = of(run, template).filter(r -> r.scenario().preloaded())
                .max(Comparator.comparingDouble(ScenarioResult::requestRatePerSecond));
        if (cold.isEmpty() || busiest.isEmpty()) {
            out.add(template + ": no advice: it needs a cold sequential scenario (for the refill time) and a preloaded one "
                    + "(for the request rate) in the same run.");
            return out;
        }
        double refill = cold.get().stats().median() / 1000 + delaySeconds;
        ScenarioResult b = busiest.get();
        double rate = b.requestRatePerSecond();
        double load = rate * refill;
        int steady = PoolModel.smallestMax(load, target, PreloadFeatures.MAX_LIMIT);
        int burst = b.scenario().iterations();
        out.add(String.format(Locale.ROOT, "%s: a refill takes about %.1f s (the cold start median, %.1f s, plus the "
                + "%s s refill delay).", template, refill, cold.get().stats().median() / 1000, EmbeddedTarget.number(delaySeconds)));
        out.add(String.format(Locale.ROOT, "  The busiest preloaded scenario, %s (max %d, %d in flight), asked for %.2f "
                + "disposables a second, so about %.1f refills are under way at any time (%.2f/s x %.1f s).",
                b.scenario().name(), b.scenario().preloadMax(), b.scenario().inFlight(), rate, load, rate, refill));
        out.add(String.format(Locale.ROOT, "  With max %d, %d of its %d requests found no ready preload (%d waited for one "
                + "still starting, %d went cold).", b.scenario().preloadMax(), b.waited() + b.cold(), b.samples().size(),
                b.waited(), b.cold()));
        out.add("  " + modelLine(b.scenario().preloadMax(), load) + " " + modelLine(steady, load));
        measuredLine(run, template, target).ifPresent(out::add);
        out.add(recommendation(template, target, steady, burst, memoryMiB));
        return out;
    }

    private static String modelLine(int max, double load) {
        return String.format(Locale.ROOT, "Modelled (requests at random at that rate): with max %d a request finds the "
                + "pool empty %.1f%% of the time.", max, 100 * PoolModel.missProbability(Math.max(max, 0), load));
    }

    private static Optional<String> measuredLine(BenchRun run, String template, double target) {
        List<ScenarioResult> seq = of(run, template).filter(r -> r.scenario().preloaded() && r.scenario().inFlight() == 1)
                .sorted(Comparator.comparingInt(r -> r.scenario().preloadMax())).toList();
        if (seq.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder s = new StringBuilder("  Measured, requests back to back: ");
        for (ScenarioResult r : seq) {
            s.append(String.format(Locale.ROOT, "max %d missed %d of %d; ", r.scenario().preloadMax(), r.waited() + r.cold(),
                    r.samples().size()));
        }
        s.append(String.format(Locale.ROOT, "(%d requests per case resolve shares of %.0f%%, coarser than a %.0f%% target).",
                seq.get(0).samples().size(), 100.0 / seq.get(0).samples().size(), 100 * target));
        return Optional.of(s.toString());
    }

    private static String recommendation(String template, double target, int steady, int burst, long memoryMiB) {
        if (steady < 0) {
            return String.format(Locale.ROOT, "  Recommendation: no max up to %d keeps a steady stream at this rate under "
                    + "%.0f%%; for bursts of %d requests set preload-dispvm-max %d (%d MiB), or spread the requests.",
                    PreloadFeatures.MAX_LIMIT, 100 * target, burst, burst, burst * memoryMiB);
        }
        int forBurst = Math.min(steady, burst);
        return String.format(Locale.ROOT, "  Recommendation: qvm-features %s preload-dispvm-max %d (%d MiB of memory held "
                + "by preloads) keeps the share of requests that find the pool empty under %.0f%% for a steady stream at "
                + "this rate. For bursts of %d requests like this bench's, %d is enough: a pool as large as the burst "
                + "never runs dry during it (%d MiB).", template, steady, steady * memoryMiB, 100 * target, burst, forBurst,
                forBurst * memoryMiB);
    }

    private static java.util.stream.Stream<ScenarioResult> of(BenchRun run, String template) {
        return run.results().stream().filter(r -> r.scenario().template().equals(template));
    }
}
