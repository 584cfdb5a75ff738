package dispool.bench;

import dispool.pool.PreloadFeatures;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Recommends a preload-dispvm-max per template from a bench run and says why in plain words. The
 * refill time is the cold start median plus the refill delay; the demand of each workload (back
 * to back, N in flight) is the rate its callers make when served from the pool; {@link PoolModel}
 * turns the two into the chance of finding the pool empty, beside what the run measured.
 */
public final class Advice {

    private Advice() {
    }

    /**
     * @param target       highest acceptable share of requests that find no ready preload (0.01 = 1%)
     * @param delaySeconds the refill delay the pools had (preload-dispvm-delay)
     * @param memoryMiB    memory of one preload of the template
     */
    public static List<String> explain(BenchRun run, String template, double target, double delaySeconds, long memoryMiB) {
        List<String> out = new ArrayList<>();
        Optional<ScenarioResult> cold = of(run, template).filter(r -> !r.scenario().preloaded() && r.scenario().inFlight() == 1)
                .findFirst();
        List<ScenarioResult> workloads = workloads(run, template);
        if (cold.isEmpty() || workloads.isEmpty()) {
            out.add(template + ": no advice: it needs a cold sequential scenario (for the refill time) and a preloaded "
                    + "one (for the demand) in the same run.");
            return out;
        }
        double coldSeconds = cold.get().stats().median() / 1000;
        double refill = coldSeconds + Math.max(0, delaySeconds);
        out.add(String.format(Locale.ROOT, "%s: a refill takes about %.1f s (cold start median %.1f s + refill delay %s s);"
                + " each preload holds %d MiB.", template, refill, coldSeconds, EmbeddedTarget.number(delaySeconds), memoryMiB));
        int forBursts = 0;
        int steady = 0;
        for (ScenarioResult w : workloads) {
            int[] needs = workload(out, w, refill, target, memoryMiB);
            forBursts = Math.max(forBursts, needs[0]);
            steady = needs[1] < 0 || steady < 0 ? -1 : Math.max(steady, needs[1]);
        }
        measuredLine(run, template).ifPresent(out::add);
        out.add(String.format(Locale.ROOT, "  Recommendation: qvm-features %s preload-dispvm-max %d (%d MiB held by "
                + "preloads), the most any workload above needs for bursts like this bench's. %s", template, forBursts,
                forBursts * memoryMiB, steady < 0 ? "A steady stream at these rates cannot stay under " + percent(target)
                + " with any max up to " + PreloadFeatures.MAX_LIMIT + "."
                : String.format(Locale.ROOT, "A steady stream at these rates would need %d (%d MiB).", steady, steady * memoryMiB)));
        return out;
    }

    /** Explains one workload; returns the max it needs for its burst and for a steady stream (-1: none). */
    private static int[] workload(List<String> out, ScenarioResult w, double refill, double target, long memoryMiB) {
        Scenario s = w.scenario();
        double rate = w.offeredRatePerSecond();
        double load = rate * refill;
        out.add(String.format(Locale.ROOT, "  %s (%s, max %d): served from the pool its callers ask for %.2f "
                + "disposables a second, so about %.1f refills are under way at once (%.2f/s x %.1f s). Measured: %d of %d "
                + "requests found no ready preload (%d waited for one still starting, %d went cold).", s.name(),
                s.inFlight() == 1 ? "back to back" : s.inFlight() + " in flight", s.preloadMax(), rate, load, rate, refill,
                w.waited() + w.cold(), w.samples().size(), w.waited(), w.cold()));
        int steady = PoolModel.smallestMax(load, target, PreloadFeatures.MAX_LIMIT);
        String steadyText = steady < 0 ? "no max up to " + PreloadFeatures.MAX_LIMIT + " does"
                : String.format(Locale.ROOT, "max %d does (%s, %d MiB)", steady, percent(PoolModel.missProbability(steady, load)),
                        steady * memoryMiB);
        int burst = s.iterations();
        int forBurst = steady < 0 ? burst : Math.min(steady, burst);
        out.add(String.format(Locale.ROOT, "    Modelled, requests at random at that rate: max %d finds the pool empty for "
                + "%s of them; to stay under %s %s. A burst of %d requests, as here, needs at most %d: a pool as large as "
                + "the burst never runs dry during it (%d MiB).", s.preloadMax(),
                percent(PoolModel.missProbability(s.preloadMax(), load)), percent(target), steadyText, burst, forBurst,
                forBurst * memoryMiB));
        return new int[] {forBurst, steady};
    }

    private static List<ScenarioResult> workloads(BenchRun run, String template) {
        List<ScenarioResult> out = new ArrayList<>();
        of(run, template).filter(r -> r.scenario().preloaded() && r.scenario().name().equals("dom0-dispvm-preload-api"))
                .findFirst().ifPresent(out::add);
        of(run, template).filter(r -> r.scenario().preloaded() && r.scenario().inFlight() > 1)
                .max(Comparator.comparingInt(r -> r.scenario().inFlight())).ifPresent(out::add);
        return out;
    }

    private static Optional<String> measuredLine(BenchRun run, String template) {
        List<ScenarioResult> seq = of(run, template).filter(r -> r.scenario().preloaded() && r.scenario().inFlight() == 1)
                .sorted(Comparator.comparingInt(r -> r.scenario().preloadMax())).toList();
        if (seq.size() < 2) {
            return Optional.empty();
        }
        StringBuilder s = new StringBuilder("  The sweep, back to back, measured misses of: ");
        for (ScenarioResult r : seq) {
            s.append(String.format(Locale.ROOT, "max %d %d/%d; ", r.scenario().preloadMax(), r.waited() + r.cold(),
                    r.samples().size()));
        }
        s.append("evenly spaced requests run dry less often than the random ones of the model, and a few requests per "
                + "case cannot show shares near 1%.");
        return Optional.of(s.toString());
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, share < 0.1 ? "%.1f%%" : "%.0f%%", 100 * share);
    }

    private static Stream<ScenarioResult> of(BenchRun run, String template) {
        return run.results().stream().filter(r -> r.scenario().template().equals(template));
    }
}
