package dispool.host.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.Clock;
import dispool.host.HostEvent;
import dispool.host.QubesException;
import dispool.host.ServiceTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The fault kinds the chaos run needs: readiness timeouts, a qubesd restart, memory taken by others. */
class SimFaultsTest {

    private static SimHost host() {
        return SimHost.builder().clock(Clock.scaled(1000)).seed(5).totalMemoryMiB(16000).dom0MemoryMiB(4000)
                .dvmTemplate("a-dvm", 400).build();
    }

    @Test
    void aReadinessTimeoutFaultWaitsOutTheTimeoutAndIsCounted() {
        SimHost sim = host();
        sim.faults().apply("run-service:timeout=1");
        String d = sim.createDisposable("a-dvm", Map.of());
        sim.start(d);
        assertThrows(ServiceTimeoutException.class, () -> sim.runService(d, "qubes.WaitForRunningSystem", Duration.ofSeconds(60)));
        assertEquals(1L, sim.faults().fired().get("run-service:timeout"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sim.faults().apply("start:timeout=0.5"));
        assertTrue(e.getMessage().contains("only run-service"), e.getMessage());
    }

    /** A counted fault fails exactly the next calls, whenever they come, and no more. */
    @Test
    void theNextStartsFailThenStartsSucceedAgain() {
        SimHost sim = host();
        sim.faults().failNext(SimOp.START, 2);
        for (int i = 0; i < 2; i++) {
            String d = sim.createDisposable("a-dvm", Map.of());
            assertThrows(QubesException.class, () -> sim.start(d), "start " + (i + 1) + " of the two that fail");
        }
        String third = sim.createDisposable("a-dvm", Map.of());
        sim.start(third);
        assertEquals(dispool.host.PowerState.Running, sim.qube(third).state());
        assertEquals(2L, sim.faults().fired().get("start:fail"));
        assertThrows(IllegalArgumentException.class, () -> sim.faults().failNext(SimOp.START, -1));
    }

    @Test
    void aQubesdRestartRefusesEveryCallAndLosesTheEventsUntilItIsBack() {
        SimHost sim = host();
        List<HostEvent> events = new CopyOnWriteArrayList<>();
        sim.events().subscribe().with(events::add);
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> events.size() == 1);
        sim.restartQubesd(() -> {
            assertThrows(QubesException.class, sim::listQubes);
            assertThrows(QubesException.class, () -> sim.createDisposable("a-dvm", Map.of()));
            sim.setProperty("a-dvm", "kernelopts", "x"); // changed meanwhile: its event is lost
        });
        assertTrue(sim.listQubes().size() > 0, "state kept, calls answered again");
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> events.size() == 2);
        assertEquals(HostEvent.CONNECTION_ESTABLISHED, events.get(1).name(), "the gap's event is lost: " + events);
        assertEquals(2L, sim.faults().fired().get("qubesd-down"), "the two refused calls");
    }

    @Test
    void memoryTakenByOthersLowersTheAvailableFigureAndBlocksStarts() {
        SimHost sim = host();
        long before = sim.availableMemory().getAsLong() >> 20;
        sim.memoryTakenByOthers(before - 100);
        assertEquals(100, sim.availableMemory().getAsLong() >> 20);
        String d = sim.createDisposable("a-dvm", Map.of());
        QubesException e = assertThrows(QubesException.class, () -> sim.start(d));
        assertTrue(e.is(QubesException.MEMORY_ERROR));
        sim.memoryTakenByOthers(0);
        assertEquals(before, sim.availableMemory().getAsLong() >> 20);
        assertEquals(List.of(d), sim.createdDisposables());
        assertEquals(1, sim.creationSerial(d));
    }
}
