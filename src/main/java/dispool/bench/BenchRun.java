package dispool.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;

/** A whole bench: where it ran and one result per scenario, in run order. */
public record BenchRun(RunInfo info, List<ScenarioResult> results) {

    /**
     * Runs every scenario in order, then puts each template's max back as it was (a bench against
     * a running service must not leave its pools resized).
     */
    public static BenchRun execute(BenchTarget target, RunInfo info, ScenarioRunner runner, List<Scenario> scenarios) {
        Map<String, BenchTarget.PoolState> before = new LinkedHashMap<>();
        scenarios.forEach(s -> before.computeIfAbsent(s.template(), target::pool));
        List<ScenarioResult> results = new ArrayList<>();
        try {
            for (Scenario s : scenarios) {
                results.add(runner.run(s));
            }
        } finally {
            before.forEach((template, state) -> state.restore(target, template));
        }
        return new BenchRun(info, results);
    }

    /** The cold scenario of the same template with the same requests in flight, to compare against. */
    public Optional<ScenarioResult> coldTwin(ScenarioResult r) {
        return results.stream().filter(c -> !c.scenario().preloaded())
                .filter(c -> c.scenario().template().equals(r.scenario().template()))
                .filter(c -> c.scenario().inFlight() == r.scenario().inFlight()).findFirst();
    }

    public List<String> templates() {
        return results.stream().map(r -> r.scenario().template()).distinct().toList();
    }
}
