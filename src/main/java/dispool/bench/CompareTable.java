package dispool.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Our figures beside Qubes' published ones ({@link QubesFigures}), in seconds of request → usable.
 * Ours are the engine's usableAfterMs on whatever host measured; theirs include the client lookup
 * and the probe's qrexec call (≈ 0.05–0.3 s), so a preloaded hand-out is expected to look faster
 * here even on the same hardware.
 */
public final class CompareTable {

    private static final String ROW = "%-36s %-14s %-27s %s%n";

    private CompareTable() {
    }

    public static void print(BenchRun run, PrintStream out) {
        out.println("Beside Qubes' published figures: " + QubesFigures.SOURCE + ".");
        out.println("Seconds, min / median / mean / max; Qubes' sweep published means only.");
        out.printf(Locale.ROOT, ROW, "scenario", "template", "dispool (this run)", "Qubes (machine: figures)");
        for (ScenarioResult r : run.results()) {
            Stats s = r.stats();
            String ours = String.format(Locale.ROOT, "%.2f / %.2f / %.2f / %.2f", s.min() / 1000, s.median() / 1000,
                    s.mean() / 1000, s.max() / 1000);
            List<String> theirs = QubesFigures.of(r.scenario().name()).map(fs -> fs.stream().map(CompareTable::format).toList())
                    .orElse(List.of("not measured by Qubes"));
            out.printf(Locale.ROOT, ROW, r.scenario().name(), r.scenario().template(), ours, theirs.get(0));
            theirs.stream().skip(1).forEach(t -> out.printf(Locale.ROOT, ROW, "", "", "", t));
        }
    }

    private static String format(QubesFigures.Figure f) {
        String machine = f.machine().substring(0, f.machine().indexOf(' '));
        if (f.median() == null) {
            return String.format(Locale.ROOT, "%s: mean %.2f", machine, f.mean());
        }
        return String.format(Locale.ROOT, "%s: %.2f / %.2f / %.2f / %.2f", machine, f.min(), f.median(), f.mean(), f.max());
    }
}
