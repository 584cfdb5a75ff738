package dispool.host.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Boots sharing the CPUs ({@link SimHostBuilder#bootSlots}). Measured on the readiness step (start
 * returned → system running), drawn when all the round's qubes are booting: 1.7 s alone, 1.7 × 4/3
 * = 2.27 s with 4 booting on 3 slots. Twelve boots each, host-clock figures at time scale 20, where
 * a loaded machine's oversleep (14 ms of wall time for the 0.28 s between 1.72 s and the bound)
 * would have to hit most boots to move a median across.
 */
class SimBootContentionTest {

    private static final double BETWEEN = 2.0;

    @Test
    void theContentionFactorIsBootsPerSlotAboveTheSlots() {
        assertEquals(1.0, LatencyModel.contention(4, 0), "0 slots: no contention");
        assertEquals(1.0, LatencyModel.contention(3, 3));
        assertEquals(4.0 / 3, LatencyModel.contention(4, 3), 1e-9);
        assertEquals(4.0, LatencyModel.contention(12, 3), 1e-9);
    }

    @Test
    void fourBootsAtOnceOnThreeSlotsTakeAThirdLonger() throws Exception {
        double median = medianReadiness(host(LatencyModel.QUBES_R43_BOOT_SLOTS), 4);
        assertTrue(median > BETWEEN && median < 3.4, "readiness with 4 booting on 3 slots: " + median + " s, model 2.27 s");
    }

    @Test
    void oneBootAtATimeIsNotSlowed() throws Exception {
        double median = medianReadiness(host(LatencyModel.QUBES_R43_BOOT_SLOTS), 1);
        assertTrue(median < BETWEEN, "readiness alone: " + median + " s, model 1.72 s");
    }

    @Test
    void withoutSlotsFourBootsAtOnceTakeAsLongAsOne() throws Exception {
        double median = medianReadiness(SimHost.builder().clock(Clock.scaled(20)).seed(7).dvmTemplate("a-dvm", 400).build(), 4);
        assertTrue(median < BETWEEN, "readiness with 4 booting, contention off (the default): " + median + " s, model 1.72 s");
    }

    @Test
    void negativeSlotsAreRefusedSayingWhatIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SimHost.builder().bootSlots(-1));
        assertTrue(e.getMessage().contains("0 (no contention) or more"), e.getMessage());
    }

    private static SimHost host(int slots) {
        return SimHost.builder().clock(Clock.scaled(20)).seed(7).bootSlots(slots).dvmTemplate("a-dvm", 400).build();
    }

    /**
     * Rounds of {@code atOnce} cold starts together, twelve in all; the median of their readiness
     * steps, host seconds. A round's qubes stay running: once operational they no longer count as booting.
     */
    private static double medianReadiness(SimHost sim, int atOnce) throws Exception {
        List<Double> seconds = Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(atOnce);
        try {
            for (int round = 0; round < 12 / atOnce; round++) {
                List<String> qubes = new ArrayList<>();
                for (int i = 0; i < atOnce; i++) {
                    qubes.add(sim.createDisposable("a-dvm", Map.of()));
                }
                List<CompletableFuture<Void>> boots = new ArrayList<>();
                for (String d : qubes) {
                    boots.add(CompletableFuture.runAsync(() -> seconds.add(boot(sim, d)), threads));
                }
                CompletableFuture.allOf(boots.toArray(CompletableFuture[]::new)).get();
            }
        } finally {
            threads.shutdown();
        }
        List<Double> sorted = new ArrayList<>(seconds);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static double boot(SimHost sim, String qube) {
        sim.start(qube);
        long started = sim.clock().nanos();
        sim.runService(qube, "qubes.WaitForRunningSystem", Duration.ofSeconds(60));
        return (sim.clock().nanos() - started) / 1e9;
    }
}
