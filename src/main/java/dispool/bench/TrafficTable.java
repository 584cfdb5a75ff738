package dispool.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The traffic scenarios' table: per scenario and policy, request → usable (mean, p95), how
 * requests were served, the cold-fallback rate, the memory preloads held over the run (MiB·s)
 * and how many preloads each template held on average; then, per scenario, each policy against
 * the first one (the baseline, {@code qubes}).
 */
public final class TrafficTable {

    private static final String ROW = "%-14s %-9s %4s %5s %9s %9s %-16s %6s %7s %12s  %s%n";

    private TrafficTable() {
    }

    public static void print(String measuredBy, List<TrafficResult> results, PrintStream out) {
        out.println("Traffic scenarios, measured by: " + measuredBy);
        out.println("Each scenario runs once per policy with the same seed, host memory and requests; times are host "
                + "time, request -> usable.");
        out.println();
        out.printf(Locale.ROOT, ROW, "scenario", "policy", "max", "n", "mean ms", "p95 ms", "ready/wait/cold", "cold", "refused", "MiB·s",
                "preloads held on average");
        for (TrafficResult r : results) {
            out.printf(Locale.ROOT, ROW, r.traffic().name(), r.policy(), max(r.maxes()), r.samples().size(), SummaryTable.ms(r.stats().mean()),
                    SummaryTable.ms(r.stats().p95()), r.ready() + "/" + r.waited() + "/" + r.cold(),
                    percent(r.coldShare()), r.refused(), String.format(Locale.ROOT, "%.0f", r.mibSeconds()), held(r.heldMean()));
        }
        out.println();
        results.stream().map(r -> r.traffic().name()).distinct().forEach(name -> compare(results, name, out));
    }

    private static void compare(List<TrafficResult> results, String scenario, PrintStream out) {
        List<TrafficResult> runs = results.stream().filter(r -> r.traffic().name().equals(scenario)).toList();
        Optional<TrafficResult> base = runs.stream().findFirst();
        for (TrafficResult r : runs.subList(Math.min(1, runs.size()), runs.size())) {
            TrafficResult b = base.orElseThrow();
            out.printf(Locale.ROOT, "%s: %s against %s: mean %s, p95 %s, memory held %.2fx (%.0f vs %.0f MiB·s)%s%n",
                    scenario, r.policy(), b.policy(), factor(b.stats().mean(), r.stats().mean()),
                    factor(b.stats().p95(), r.stats().p95()), r.mibSeconds() / Math.max(1e-9, b.mibSeconds()),
                    r.mibSeconds(), b.mibSeconds(), perTemplate(r, b));
        }
    }

    /** "3.2x better" or "1.4x worse": how the second figure compares to the baseline's. */
    static String factor(double baseline, double other) {
        if (other <= 0 || baseline <= 0) {
            return "n/a";
        }
        double f = baseline / other;
        return f >= 1 ? String.format(Locale.ROOT, "%.2fx better", f) : String.format(Locale.ROOT, "%.2fx worse", 1 / f);
    }

    private static String perTemplate(TrafficResult r, TrafficResult base) {
        if (r.perTemplate().size() < 2) {
            return "";
        }
        return "; per template mean " + r.perTemplate().entrySet().stream()
                .map(e -> e.getKey() + " " + SummaryTable.ms(e.getValue().mean()) + " ms (" + base.policy() + " "
                        + SummaryTable.ms(base.perTemplate().get(e.getKey()).mean()) + ")")
                .collect(Collectors.joining(", "));
    }

    /** "4", or "2/4" when the templates' maxes differ (in template order). */
    static String max(Map<String, Integer> maxes) {
        List<Integer> distinct = maxes.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue)
                .distinct().toList();
        return distinct.stream().map(String::valueOf).collect(Collectors.joining("/"));
    }

    static String held(Map<String, Double> held) {
        return held.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * share);
    }
}
