package dispool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadWaitsTest {

    @Test
    void threadsAreKindedByTheNameProcGives() {
        assertEquals("event loops", ThreadWaits.kind("vert.x-eventloo"));
        assertEquals("engine workers", ThreadWaits.kind("dispool-worker-"));
        assertEquals("JIT", ThreadWaits.kind("C2 CompilerThre"));
        assertEquals("GC and VM", ThreadWaits.kind("GC Thread#1"));
        assertEquals("GC and VM", ThreadWaits.kind("VM Thread"));
        assertEquals("simulator", ThreadWaits.kind("sim-events"));
        assertEquals("other", ThreadWaits.kind("main"));
    }

    @Test
    void aSpinningThreadsCpuShowsUpBetweenTwoReads() throws Exception {
        String self = String.valueOf(ProcessHandle.current().pid());
        Map<String, ThreadWaits.Times> before = ThreadWaits.read(self);
        long until = System.nanoTime() + 50_000_000L;
        long spins = 0;
        while (System.nanoTime() < until) {
            spins++;
        }
        Map<String, ThreadWaits.Times> after = ThreadWaits.read(self);
        ThreadWaits.Times d = after.get("other").minus(before.get("other"));
        assertTrue(d.cpu() >= 20_000_000L, "50 ms of spinning (" + spins + " spins) ran " + d.cpu() + " ns on a CPU");
        assertTrue(ThreadWaits.perPair(before, after, 1).contains("other CPU "), ThreadWaits.perPair(before, after, 1));
    }
}
