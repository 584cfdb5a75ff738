package dispool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.pool.RefillPolicies;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The traffic scenarios run per policy on the embedded simulator (small ones: figures come from the CLI). */
class BenchTrafficTest {

    @TempDir
    Path dir;

    @Test
    void burstsRunOncePerPolicyWithTheSameRequestsAndTheTableAndChartShowBoth() throws Exception {
        Traffic bursts = Traffic.qubesBursts("default-dvm", 4, 2, 12, 4, Duration.ofMinutes(2));
        List<TrafficResult> results = new ArrayList<>();
        TrafficRunner runner = new TrafficRunner(Duration.ofSeconds(30));
        for (String policy : RefillPolicies.NAMES) {
            results.add(runner.run(bursts, policy, () -> new EmbeddedTarget(100, 42, 16_000,
                    List.of(new EmbeddedTarget.Template("default-dvm", 400, 1.0)), 3, policy)).result());
        }
        for (TrafficResult r : results) {
            assertEquals(24, r.samples().size(), r.policy());
            assertEquals(24, r.ready() + r.waited() + r.cold(), r.policy());
            assertTrue(r.mibSeconds() > 0, r.policy() + " held no memory");
            // free preloads stay within the max; a preload claimed while starting still holds memory until handed out
            assertTrue(r.heldMean().get("default-dvm") <= 4.0 + 4, r.policy() + " held above the max: " + r.heldMean());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TrafficTable.print("test", results, new PrintStream(out, true, StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8);
        System.out.println(table);
        assertTrue(table.contains("bursts: adaptive against qubes: mean "), table);
        TrafficChart.write("test", results, dir.resolve("t.png"), dir.resolve("t.svg"));
        assertTrue(Files.size(dir.resolve("t.png")) > 1_000);
        assertTrue(Files.readString(dir.resolve("t.svg")).contains("adaptive"));
    }
}
