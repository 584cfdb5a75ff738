package dispool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.pool.RefillPolicies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pool at each burst's start, logged by a traffic run on the simulator, written as CSV and PNG. */
class BurstLogTest {

    @TempDir
    Path dir;

    @Test
    void aFixedPoolFullBeforeEveryBurstIsLoggedOncePerBurstWithAllItsPreloadsReady() throws Exception {
        // 3 bursts of 6, 2 in flight, 2 min apart: Qubes' policy at max 4 is full again long before the next one
        Traffic bursts = Traffic.qubesBursts("default-dvm", 4, 3, 6, 2, Duration.ofMinutes(2));
        TrafficRunner.Run run = new TrafficRunner(Duration.ofSeconds(60)).run(bursts, RefillPolicies.QUBES,
                () -> new EmbeddedTarget(100, 42, 16_000, List.of(new EmbeddedTarget.Template("default-dvm", 400, 1.0)), 3,
                        RefillPolicies.QUBES));
        List<BurstLog.Row> rows = run.bursts();
        assertEquals(List.of(1, 2, 3), rows.stream().map(BurstLog.Row::burst).toList(), "one row per burst: " + rows);
        for (BurstLog.Row r : rows) {
            assertEquals(4, r.ready(), "ready at the start of burst " + r.burst() + ": " + r);
            assertEquals(0, r.starting(), "starting at the start of burst " + r.burst() + ": " + r);
            assertEquals(4, r.want(), "Qubes' policy wants preload-dispvm-max: " + r);
            assertEquals(6, r.requests(), r.toString());
            long ready = run.result().samples().stream()
                    .filter(s -> s.startMs() >= r.atMs() && s.startMs() < r.atMs() + 60_000)
                    .filter(s -> s.path().equals(Sample.READY)).count();
            assertEquals(ready, r.servedReady(), "ready hand-outs of burst " + r.burst());
            assertTrue(r.servedReady() >= 4, "the 4 ready preloads served the burst's first requests: " + r);
        }
        Path csv = BurstLog.writeCsv(rows, dir);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(BurstLog.HEADER, lines.get(0));
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(1).startsWith("bursts,qubes,1,0,default-dvm,4,4,4,0,0,qubes,6,"), lines.get(1));
        assertTrue(Files.size(BurstChart.write("test", rows, dir)) > 1_000);
    }

    @Test
    void aBurstIsThreeOrMoreRequestsAtMostTwoSecondsApart() {
        List<Traffic.Arrival> a = List.of(new Traffic.Arrival(0, "t"), new Traffic.Arrival(30_000, "t"),
                new Traffic.Arrival(32_000, "t"), new Traffic.Arrival(34_000, "t"), new Traffic.Arrival(50_000, "t"),
                new Traffic.Arrival(51_000, "t"), new Traffic.Arrival(90_000, "t"), new Traffic.Arrival(90_000, "t"),
                new Traffic.Arrival(90_000, "t"));
        assertEquals(List.of(1, 6), BurstLog.starts(a));
    }
}
