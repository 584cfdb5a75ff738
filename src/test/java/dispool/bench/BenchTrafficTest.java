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

    @Test
    void theRampRisesToItsTopHalfwayAndFallsBack() {
        Traffic ramp = Traffic.ramp("default-dvm", 4, 0.5, 8, Duration.ofMinutes(60), 42);
        long[] thirds = new long[3];
        ramp.arrivals().forEach(a -> thirds[(int) Math.min(2, a.atMs() / 1_200_000)]++);
        // mean rates 3, 7 and 3 per minute over 20 min each: about 60, 140, 60
        assertTrue(thirds[1] > 1.5 * thirds[0] && thirds[1] > 1.5 * thirds[2], java.util.Arrays.toString(thirds));
        assertTrue(thirds[0] > 30 && thirds[2] > 30, java.util.Arrays.toString(thirds));
        assertEquals(ramp.arrivals(), Traffic.ramp("default-dvm", 4, 0.5, 8, Duration.ofMinutes(60), 42).arrivals(),
                "the same seed, the same requests");
    }

    @Test
    void seedsRunEveryPolicyOnTheSameRequestsAndTheTableNamesEachPolicysWorstSeed() {
        List<String> policies = List.of(RefillPolicies.QUBES, RefillPolicies.ADAPTIVE, "qubes@1");
        List<TrafficSeeds.Seeded> results = TrafficSeeds.run(seed -> List.of(new TrafficSeeds.Planned(
                Traffic.ramp("default-dvm", 2, 4, 20, Duration.ofMinutes(3), seed), policy -> new EmbeddedTarget(200, seed,
                        16_000, List.of(new EmbeddedTarget.Template("default-dvm", 400, 1.0)), 3, policy))),
                List.of(7L, 8L), policies, new TrafficRunner(Duration.ofSeconds(20)), 3, System.err);
        assertEquals(6, results.size());
        for (long seed : List.of(7L, 8L)) {
            List<TrafficSeeds.Seeded> ofSeed = results.stream().filter(r -> r.seed() == seed).toList();
            assertEquals(policies, ofSeed.stream().map(TrafficSeeds.Seeded::policy).toList(), "policy order, seed " + seed);
            assertEquals(1, ofSeed.stream().map(r -> r.result().traffic().arrivals()).distinct().count(),
                    "every policy of seed " + seed + " saw the same requests");
        }
        results.stream().filter(r -> r.policy().equals("qubes@1"))
                .forEach(r -> assertEquals(java.util.Map.of("default-dvm", 1), r.result().maxes(), "qubes@1 runs at max 1"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TrafficSeedsTable.print("test", results, new PrintStream(out, true, StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8);
        System.out.println(table);
        TrafficSeeds.Seeded worst = results.stream().filter(r -> r.policy().equals(RefillPolicies.ADAPTIVE))
                .max(java.util.Comparator.comparingDouble(r -> r.result().stats().mean())).orElseThrow();
        assertTrue(table.contains("over 2 seeds [7, 8]"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("ramp           adaptive") && l.contains(" " + worst.seed() + ": "
                + SummaryTable.ms(worst.result().stats().mean()) + " / ")), "adaptive's worst seed: " + table);
        assertTrue(table.contains("ramp: adaptive against qubes over all seeds: mean "), table);
        assertTrue(table.contains("ramp: qubes@1 against qubes over all seeds: mean "), table);
    }
}
