package dispool.bench;

import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The traffic table over several seeds: per scenario and policy, request → usable over every
 * seed's requests together (mean, p95, the longest), the memory preloads held per run (MiB·s,
 * mean over seeds) and the worst seed (highest mean); then each policy against the first (the
 * baseline) on both axes, over all seeds and at its worst seed (where its mean compares worst).
 */
public final class TrafficSeedsTable {

    private static final String ROW = "%-14s %-9s %4s %6s %9s %9s %9s %12s  %s%n";

    private TrafficSeedsTable() {
    }

    /** One scenario and policy over its seeds. */
    record Row(String scenario, String policy, String max, Stats stats, double mibSeconds, TrafficSeeds.Seeded worst) {

        static Row of(List<TrafficSeeds.Seeded> runs) {
            TrafficResult first = runs.get(0).result();
            double[] ms = runs.stream().flatMap(s -> s.result().samples().stream()).mapToDouble(Sample::usableAfterMs)
                    .toArray();
            double mib = runs.stream().mapToDouble(s -> s.result().mibSeconds()).average().orElse(0);
            TrafficSeeds.Seeded worst = runs.stream().max(Comparator.comparingDouble(s -> s.result().stats().mean()))
                    .orElseThrow();
            return new Row(first.traffic().name(), first.policy(), TrafficTable.max(first.maxes()), Stats.of(ms), mib, worst);
        }
    }

    public static void print(String measuredBy, List<TrafficSeeds.Seeded> results, PrintStream out) {
        List<Long> seeds = results.stream().map(TrafficSeeds.Seeded::seed).distinct().sorted().toList();
        out.println("Traffic scenarios over " + seeds.size() + " seeds " + seeds + ", measured by: " + measuredBy);
        out.println("Every policy of a seed sees the same requests and host; mean, p95 and max are over all seeds' "
                + "requests (host ms, request -> usable), MiB·s is the mean per run, the worst seed the one of highest mean.");
        out.println();
        out.printf(Locale.ROOT, ROW, "scenario", "policy", "max", "n", "mean ms", "p95 ms", "max ms", "MiB·s",
                "worst seed: mean / p95 ms, MiB·s");
        Map<String, Map<String, List<TrafficSeeds.Seeded>>> grouped = grouped(results);
        grouped.forEach((scenario, byPolicy) -> byPolicy.values().forEach(runs -> {
            Row r = Row.of(runs);
            TrafficResult w = r.worst().result();
            out.printf(Locale.ROOT, ROW, scenario, r.policy(), r.max(), r.stats().count(), SummaryTable.ms(r.stats().mean()),
                    SummaryTable.ms(r.stats().p95()), SummaryTable.ms(r.stats().max()), mib(r.mibSeconds()),
                    String.format(Locale.ROOT, "%d: %s / %s, %s", r.worst().seed(), SummaryTable.ms(w.stats().mean()),
                            SummaryTable.ms(w.stats().p95()), mib(w.mibSeconds())));
        }));
        out.println();
        grouped.forEach((scenario, byPolicy) -> compare(scenario, byPolicy, out));
    }

    private static void compare(String scenario, Map<String, List<TrafficSeeds.Seeded>> byPolicy, PrintStream out) {
        List<List<TrafficSeeds.Seeded>> policies = List.copyOf(byPolicy.values());
        Row base = Row.of(policies.get(0));
        for (List<TrafficSeeds.Seeded> runs : policies.subList(1, policies.size())) {
            Row r = Row.of(runs);
            TrafficSeeds.Seeded worst = runs.stream().max(Comparator.comparingDouble(s -> s.result().stats().mean()
                    / baseline(policies.get(0), s.seed()).stats().mean())).orElseThrow();
            TrafficResult b = baseline(policies.get(0), worst.seed());
            TrafficResult w = worst.result();
            out.printf(Locale.ROOT, "%s: %s against %s over all seeds: mean %s, p95 %s, memory held %.2fx; at its worst "
                    + "seed (%d): mean %s, p95 %s, memory %.2fx%n", scenario, r.policy(), base.policy(),
                    TrafficTable.factor(base.stats().mean(), r.stats().mean()),
                    TrafficTable.factor(base.stats().p95(), r.stats().p95()), r.mibSeconds() / Math.max(1e-9, base.mibSeconds()),
                    worst.seed(), TrafficTable.factor(b.stats().mean(), w.stats().mean()),
                    TrafficTable.factor(b.stats().p95(), w.stats().p95()), w.mibSeconds() / Math.max(1e-9, b.mibSeconds()));
        }
    }

    private static TrafficResult baseline(List<TrafficSeeds.Seeded> base, long seed) {
        return base.stream().filter(s -> s.seed() == seed).findFirst().orElseThrow(() -> new IllegalStateException(
                "the baseline policy has no run for seed " + seed)).result();
    }

    /** Scenario → policy → its runs, in the order of the results (scenario, then policy). */
    private static Map<String, Map<String, List<TrafficSeeds.Seeded>>> grouped(List<TrafficSeeds.Seeded> results) {
        return results.stream().collect(Collectors.groupingBy(TrafficSeeds.Seeded::scenario, java.util.LinkedHashMap::new,
                Collectors.groupingBy(TrafficSeeds.Seeded::policy, java.util.LinkedHashMap::new, Collectors.toList())));
    }

    private static String mib(double mibSeconds) {
        return String.format(Locale.ROOT, "%.0f", mibSeconds);
    }
}
