package dispool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.api.TestToken;
import dispool.host.QubesHost;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The bench against a running service (the test app: simulator at time scale 50, seed 7), through
 * the REST API. whonix-dvm has no pool before and none after: the bench puts its max back.
 */
@QuarkusTest
class BenchRestTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    QubesHost host;

    @Test
    void theScenariosRunThroughTheRestApiAndTheServiceSaysWhichHostMeasured() {
        String template = "whonix-dvm";
        assertFalse(host.feature(template, "preload-dispvm-max").isPresent());
        try (RestTarget target = new RestTarget(base, Duration.ofSeconds(30), Optional.of(TestToken.value()))) {
            assertEquals("dispool service at " + base + ", on its sim host (time scale 50, seed 7)", target.describe());
            ScenarioRunner runner = new ScenarioRunner(target, Duration.ofSeconds(300), Duration.ofMillis(20), (s, x) -> { });
            List<Scenario> scenarios = List.of(new Scenario("dom0-dispvm-api", template, 0, 1, 2),
                    new Scenario("dom0-dispvm-preload-concurrent-api", template, 2, 2, 2));
            BenchRun run = BenchRun.execute(target, RunInfo.collect(target, 2), runner, scenarios);

            ScenarioResult cold = run.results().get(0);
            ScenarioResult preloaded = run.results().get(1);
            assertEquals(2, cold.cold());
            assertEquals(2, preloaded.ready());
            assertTrue(preloaded.stats().median() * 20 < cold.stats().median(), run.toString());
            assertTrue(preloaded.samples().get(0).clientMs() >= preloaded.samples().get(0).usableAfterMs());
        }
        assertFalse(host.feature(template, "preload-dispvm-max").isPresent(), "the bench put the max back (unset)");
    }
}
