package dispool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchAdviceTest {

    @Test
    void theAdviceNamesRefillTimeDemandModelAndTheMaxWithItsMemory() {
        List<String> lines = Advice.explain(BenchFixtures.run(), BenchFixtures.T, 0.01, 0, 400);
        String text = String.join("\n", lines);
        assertTrue(text.contains("a refill takes about 7.0 s (cold start median 7.0 s + refill delay 0 s)"), text);
        // back to back: 1 request/s x 7 s = 7 refills under way; Erlang B needs 14 for 1%, the burst of 12 needs 12
        assertTrue(text.contains("ask for 1.00 disposables a second, so about 7.0 refills"), text);
        assertTrue(text.contains("max 4 finds the pool empty for 53% of them; to stay under 1.0% max 14 does"), text);
        // 4 in flight: 4/s x 7 s = 28; 8 of 12 waited, as in Qubes' data
        assertTrue(text.contains("ask for 4.00 disposables a second, so about 28.0 refills"), text);
        assertTrue(text.contains("Measured: 8 of 12 requests found no ready preload (8 waited"), text);
        assertTrue(text.contains("to stay under 1.0% max 39 does"), text);
        assertTrue(text.contains("A burst of 12 requests, as here, needs at most 12"), text);
        assertEquals("  Recommendation: qvm-features web-dvm preload-dispvm-max 12 (4800 MiB held by preloads), the "
                + "most any workload above needs for bursts like this bench's. A steady stream at these rates would need "
                + "39 (15600 MiB).", lines.get(lines.size() - 1));
    }

    @Test
    void theRefillDelayAddsToTheRefillTime() {
        String text = String.join("\n", Advice.explain(BenchFixtures.run(), BenchFixtures.T, 0.01, 3, 400));
        assertTrue(text.contains("a refill takes about 10.0 s (cold start median 7.0 s + refill delay 3 s)"), text);
    }

    @Test
    void withoutAColdScenarioThereIsNoAdviceAndItSaysWhy() {
        BenchRun run = BenchFixtures.run();
        BenchRun preloadOnly = new BenchRun(run.info(), run.results().subList(1, 3));
        assertEquals(List.of("web-dvm: no advice: it needs a cold sequential scenario (for the refill time) and a "
                + "preloaded one (for the demand) in the same run."), Advice.explain(preloadOnly, "web-dvm", 0.01, 0, 400));
    }
}
