package dispool.bench;

import java.util.ArrayList;
import java.util.List;

/** Hand-made runs with known figures, for the tests of what reads a run. */
final class BenchFixtures {

    static final String T = "web-dvm";

    private BenchFixtures() {
    }

    /**
     * Cold 7 s; back to back with max 4: ready hand-outs of 25 ms, each removal 1 s (so about one
     * request a second); 4 in flight with max 4: the first 4 ready, the rest waited.
     */
    static BenchRun run() {
        RunInfo info = new RunInfo("test", 1, "2026-01-01T00:00:00Z", "jdk", "os", "cpu", 2, 12, "ms");
        return new BenchRun(info, List.of(
                result(new Scenario("dom0-dispvm-api", T, 0, 1, 12), 12, 0, 7000),
                result(new Scenario("dom0-dispvm-preload-api", T, 4, 1, 12), 0, 12, 25),
                result(new Scenario("dom0-dispvm-preload-concurrent-api", T, 4, 4, 12), 8, 4, 25)));
    }

    /** {@code slow} requests of 5 s (waited or cold) after {@code fast} ready ones of {@code ms}. */
    static ScenarioResult result(Scenario s, int slow, int fast, double ms) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < fast + slow; i++) {
            boolean ready = i < fast;
            String path = ready ? Sample.READY : s.preloaded() ? Sample.WAITED : Sample.COLD;
            double usable = ready ? ms : s.preloaded() ? 5000 : ms;
            double remove = ready ? 1000 - ms : 1000;
            samples.add(new Sample(i, "disp" + i, path, usable, usable, remove, i * 1000.0));
        }
        return ScenarioResult.of(s, samples, samples.size() * 1000.0);
    }
}
