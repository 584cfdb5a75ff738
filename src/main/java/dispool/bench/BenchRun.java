package dispool.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A whole bench: where it ran and one result per scenario, in run order. */
public record BenchRun(RunInfo info, List<ScenarioResult> results) {

    /** Runs every scenario in order on the runner. */
    public static BenchRun execute(RunInfo info, ScenarioRunner runner, List<Scenario> scenarios) {
        List<ScenarioResult> results = new ArrayList<>();
        for (Scenario s : scenarios) {
            results.add(runner.run(s));
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
