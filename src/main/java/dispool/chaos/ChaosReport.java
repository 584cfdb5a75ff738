package dispool.chaos;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * The figures of a chaos run and every invariant it saw broken (none, when dispool is right).
 *
 * @param refillHostSeconds time from faults off until every pool was full again, host time; -1 if not within the bound
 */
public record ChaosReport(ChaosPlan plan, long wallMillis, Map<String, Long> operations, Map<String, Long> faults,
        long preloaded, long cold, Map<String, Long> refused, double refillHostSeconds, double refillBoundSeconds,
        long thresholdChecks, long maxSamples, long leaked, List<String> violations) {

    public boolean passed() {
        return violations.isEmpty();
    }

    public void print(PrintStream out) {
        out.printf("chaos run: seed %d, %d operations, %d templates, %d callers, time scale %.0f, %.1f s wall%n",
                plan.seed(), plan.operations(), plan.templates(), plan.callers(), plan.timeScale(), wallMillis / 1000.0);
        out.println("  operations      " + operations);
        out.println("  faults by kind  " + faults);
        out.printf("  hand-outs       preloaded %d, cold %d, refused %s%n", preloaded, cold, refused);
        out.printf("  refill          every pool full %s after the faults stopped (bound %.0f s host time)%n",
                refillHostSeconds < 0 ? "NOT" : String.format("%.1f s host time", refillHostSeconds), refillBoundSeconds);
        out.printf("  checks          %d threshold checks at preload starts, %d max samples, %d leaked qubes%n",
                thresholdChecks, maxSamples, leaked);
        out.println("  invariant violations: " + violations.size());
        violations.stream().limit(20).forEach(v -> out.println("    " + v));
    }
}
