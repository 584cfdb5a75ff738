package dispool.host.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.Clock;
import dispool.host.QubesException;
import dispool.host.memory.QmemmanRules;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The simulator's memory is qmemman's ({@link dispool.host.memory.Qmemman}): its figure lags, and
 * a qube paused with its ballooned share (dispool's managed preload; R4.3 shrinks only qubesd's own
 * preloads before the pause) holds memory the figure shows but no start can get (issue 22, row 14).
 */
class SimMemoryTest {

    /** 8,000 MiB, dom0 4,000 MiB, one DVM template of 1,000 MiB that may balloon to 3,000. */
    private static SimHost host() {
        SimHost h = SimHost.builder().clock(Clock.skippable(0.001)).latency(LatencyModel.ZERO).seed(3).totalMemoryMiB(8_000)
                .dom0MemoryMiB(4_000).memoryRules(QmemmanRules.QUBES_R43).dvmTemplate("a-dvm", 1_000).build();
        h.setProperty("a-dvm", "maxmem", "3000");
        return h;
    }

    private static long publishedMiB(SimHost h) {
        return h.availableMemory().orElseThrow() >> 20;
    }

    /** Moves host time on at once (the clock barely runs by itself: 1 host ms per wall second). */
    private static void hostSeconds(SimHost h, double seconds) {
        h.clock().skip(Duration.ofMillis((long) (seconds * 1000)));
    }

    @Test
    void aStartShowsInTheFigureOneBalanceLaterAndAtItsPreferredSizeOnceItsGuestReports() {
        SimHost h = host();
        long idle = publishedMiB(h);
        String d = h.createDisposable("a-dvm", Map.of());
        h.start(d);
        assertEquals(idle, publishedMiB(h), "qmemman rewrites its file at the end of the balance");
        hostSeconds(h, 0.2);
        assertEquals(idle - 1_000, publishedMiB(h), "no meminfo yet: the memory it started with");
        hostSeconds(h, 2);
        assertEquals(idle - 1_300, publishedMiB(h), "reported: pref_mem, 1.3 × what it uses");
    }

    @Test
    void aPausedQubeThatKeptItsBalloonBlocksAStartTheFigureAllows() {
        SimHost h = host();
        String kept = h.createDisposable("a-dvm", Map.of());
        h.start(kept);
        hostSeconds(h, 3);
        h.pause(kept);
        hostSeconds(h, 1);
        assertEquals(3_000, h.heldMemoryMiB(kept), "paused with the free memory the balance gave it, up to maxmem");
        assertTrue(publishedMiB(h) >= 1_000, "the figure counts it at its preferred size: " + publishedMiB(h) + " MiB");
        String next = h.createDisposable("a-dvm", Map.of());
        QubesException e = assertThrows(QubesException.class, () -> h.start(next));
        assertEquals("Not enough memory to start domain '" + next + "'", e.getMessage());
    }

    @Test
    void qubesdsOwnPreloadGivesItsSurplusBackBeforeItsPause() {
        SimHost h = host();
        String preload = h.createDisposable("a-dvm", Map.of());
        h.setFeature("a-dvm", "preload-dispvm", preload);
        h.start(preload);
        hostSeconds(h, 3);
        h.pause(preload);
        assertEquals(1_300, h.heldMemoryMiB(preload), "on_domain_pre_paused: set to pref_mem");
        String next = h.createDisposable("a-dvm", Map.of());
        h.start(next);
        assertEquals(dispool.host.PowerState.Running, h.qube(next).state());
    }
}
