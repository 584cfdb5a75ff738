package dispool.host.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.Clock;
import dispool.host.QubesException;
import dispool.host.ServiceTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What only the simulator has: its calibration, memory model and fault injection. */
class SimHostTest {

    private static SimHostBuilder host(double scale) {
        return SimHost.builder().clock(Clock.scaled(scale)).seed(5).dvmTemplate("a-dvm", 400);
    }

    @Test
    void aColdDisposableTakesAboutSevenSecondsOfHostTime() {
        SimHost sim = host(100).build();
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            long t0 = sim.clock().nanos();
            String d = sim.createDisposable("a-dvm", Map.of());
            sim.start(d);
            sim.runService(d, "qubes.WaitForRunningSystem", Duration.ofSeconds(60));
            seconds.add((sim.clock().nanos() - t0) / 1e9);
        }
        Collections.sort(seconds);
        double median = seconds.get(seconds.size() / 2);
        // Only a lower bound on the clock: a loaded machine oversleeps, the model's median is checked below.
        assertTrue(median > 6.0, "median cold start " + median + " s, Qubes measured 7.0–7.2 s");
        java.util.Random random = new java.util.Random(5);
        List<Double> drawn = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            drawn.add((LatencyModel.QUBES_R43.draw(LatencyModel.Step.CREATE, 1.0, random).toNanos()
                    + LatencyModel.QUBES_R43.draw(LatencyModel.Step.START, 1.0, random).toNanos()
                    + LatencyModel.QUBES_R43.draw(LatencyModel.Step.OPERATIONAL, 1.0, random).toNanos()
                    + LatencyModel.QUBES_R43.draw(LatencyModel.Step.SERVICE_CALL, 1.0, random).toNanos()) / 1e9);
        }
        Collections.sort(drawn);
        double model = drawn.get(drawn.size() / 2);
        assertTrue(model > 6.5 && model < 7.5, "the model's median cold start " + model + " s, Qubes measured 7.0–7.2 s");
    }

    @Test
    void startingBeyondTheHostMemoryIsRefusedLikeQubesd() {
        SimHost sim = host(1000).totalMemoryMiB(5000).dom0MemoryMiB(4000).build();
        String first = sim.createDisposable("a-dvm", Map.of());
        sim.start(first);
        sim.start(sim.createDisposable("a-dvm", Map.of()));
        String third = sim.createDisposable("a-dvm", Map.of());
        QubesException e = assertThrows(QubesException.class, () -> sim.start(third));
        assertEquals(QubesException.MEMORY_ERROR, e.type());
        assertEquals((5000 - 4000 - 50 - 800) << 20, sim.availableMemory().getAsLong());
    }

    @Test
    void aFailedStartRemovesTheDisposable() {
        SimHost sim = host(1000).build();
        sim.faults().apply("start:fail=1");
        String d = sim.createDisposable("a-dvm", Map.of());
        assertThrows(QubesException.class, () -> sim.start(d));
        assertTrue(sim.listQubes().stream().noneMatch(q -> q.name().equals(d)));
    }

    @Test
    void aHungServiceCallTimesOutNamingQubeServiceAndDebugCommand() {
        SimHost sim = host(1000).build();
        String d = sim.createDisposable("a-dvm", Map.of());
        sim.start(d);
        sim.faults().hang(SimOp.RUN_SERVICE);
        ServiceTimeoutException e = assertThrows(ServiceTimeoutException.class,
                () -> sim.runService(d, "qubes.WaitForRunningSystem", Duration.ofSeconds(30)));
        assertTrue(e.getMessage().contains(d) && e.getMessage().contains("30 s")
                && e.getMessage().contains("qvm-run"), e.getMessage());
    }

    @Test
    void faultSpecsAreCheckedAndExplained() {
        Faults f = new Faults();
        f.apply("start:fail=0.5, run-service:slow=2,pause:hang");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.apply("boot:fail=1"));
        assertTrue(e.getMessage().contains("unknown call 'boot'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.apply("start:fail=2"));
        assertTrue(e.getMessage().contains("must be from 0 to 1"), e.getMessage());
        f.clear();
    }

    @Test
    void featureValuesAreValidatedWithQubesMessages() {
        SimHost sim = host(1000).build();
        QubesException e = assertThrows(QubesException.class, () -> sim.setFeature("a-dvm", "preload-dispvm-max", "two"));
        assertEquals("Invalid preload-dispvm-max value: not a digit", e.getMessage());
        assertThrows(QubesException.class, () -> sim.setFeature("dom0", "preload-dispvm-threshold", "1.5"));
        sim.setFeature("a-dvm", "preload-dispvm-threshold", "100"); // qubesd checks it on dom0 only (adminvm.py)
        assertThrows(QubesException.class, () -> sim.setFeature("dom0", "preload-dispvm-delay", "5d"));
        assertThrows(QubesException.class, () -> sim.setFeature("dom0", "preload-dispvm-delay", "soon"));
        sim.setFeature("dom0", "preload-dispvm-delay", "-1.5");
    }

    @Test
    void aDisposableInheritsItsTemplatesFeaturesButNotPreloadingsOwn() {
        SimHost sim = host(1000).feature("a-dvm", "preload-dispvm-max", "0").build();
        sim.setFeature("a-dvm", "x-color", "blue");
        String d = sim.createDisposable("a-dvm", Map.of("x-mark", "1"));
        assertEquals("blue", sim.feature(d, "x-color").orElse(null));
        assertEquals("1", sim.feature(d, "x-mark").orElse(null));
        assertEquals("1", sim.feature(d, "supported-rpc.qubes.WaitForRunningSystem").orElse(null));
        assertTrue(sim.feature(d, "preload-dispvm-max").isEmpty());
    }

    @Test
    void eventsArriveInOrderOnTheSimulatorsThreadNotTheCallers() {
        SimHost sim = host(1000).build();
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        sim.events().subscribe().with(e -> seen.add(e.name() + "@" + Thread.currentThread().getName()));
        sim.setFeature("a-dvm", "x-one", "1");
        sim.setFeature("a-dvm", "x-two", "2");
        org.awaitility.Awaitility.await().until(() -> seen.size() == 3);
        assertEquals(List.of("connection-established@sim-events", "domain-feature-set:x-one@sim-events",
                "domain-feature-set:x-two@sim-events"), seen);
    }
}
