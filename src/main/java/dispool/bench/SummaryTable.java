package dispool.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The printed summary: one row per scenario with min / median / mean / p95 / max of request →
 * usable, how each request was served, and the preloaded/cold ratio of medians.
 */
public final class SummaryTable {

    private static final String ROW = "%-36s %-14s %4s %6s %4s %9s %9s %9s %9s %9s  %-14s %s%n";

    private SummaryTable() {
    }

    public static void print(BenchRun run, PrintStream out) {
        RunInfo i = run.info();
        out.println("Measured by: " + i.measuredBy());
        out.printf(Locale.ROOT, "Machine: %s, %d CPUs; %s; %s; started %s%n", i.cpuModel(), i.cpus(), i.jdk(), i.os(),
                i.startedUtc());
        out.println("Figures: " + i.timedQuantity() + ".");
        out.println();
        out.printf(Locale.ROOT, ROW, "scenario", "template", "max", "flight", "n", "min", "median", "mean", "p95", "max",
                "ready/wait/cold", "preloaded/cold (median)");
        for (ScenarioResult r : run.results()) {
            Scenario s = r.scenario();
            Stats st = r.stats();
            out.printf(Locale.ROOT, ROW, s.name(), s.template(), s.preloadMax(), s.inFlight(), st.count(), ms(st.min()),
                    ms(st.median()), ms(st.mean()), ms(st.p95()), ms(st.max()),
                    r.ready() + "/" + r.waited() + "/" + r.cold(), ratio(run, r));
        }
    }

    static String ratio(BenchRun run, ScenarioResult r) {
        if (!r.scenario().preloaded()) {
            return "";
        }
        return run.coldTwin(r).map(c -> String.format(Locale.ROOT, "%.4f (%.0fx faster)",
                r.stats().median() / c.stats().median(), c.stats().median() / r.stats().median())).orElse("no cold run");
    }

    static String ms(double v) {
        return String.format(Locale.ROOT, v < 100 ? "%.1f" : "%.0f", v);
    }
}
