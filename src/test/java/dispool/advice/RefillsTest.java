package dispool.advice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RefillsTest {

    @Test
    void startsThatSlowEachOtherShowHowManyRunAtFullSpeed() {
        List<HistoryEntry> h = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < 5; i++) {
            t += 60_000;
            refill(h, t, 7_000); // alone
            t += 60_000;
            for (int j = 0; j < 6; j++) {
                refill(h, t, 14_000); // six at once on a host that runs three at full speed
            }
        }
        Refills r = Refills.measured(h, 3_000);
        assertEquals(3, r.slots());
        assertEquals(7_000, r.bootMs(), 1e-6);
        assertEquals(3_000, r.delayMs(), 1e-6);
    }

    @Test
    void coldStartsBesideARefillSlowItToo() {
        List<HistoryEntry> h = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < 5; i++) {
            t += 60_000;
            refill(h, t, 7_000);
            t += 60_000;
            refill(h, t, 14_000); // one refill beside three cold starts: four at once, two at full speed
            for (int j = 0; j < 3; j++) {
                h.add(new HistoryEntry(t, "t", HistoryEntry.Kind.HAND_OUT, HistoryEntry.COLD, 14_000, 0));
            }
        }
        assertEquals(2, Refills.measured(h, 0).slots());
    }

    @Test
    void startsThatTakeAsLongSideBySideShowNoSlowdown() {
        List<HistoryEntry> h = new ArrayList<>();
        for (int j = 0; j < 12; j++) {
            refill(h, 100_000, 7_000);
        }
        refill(h, 200_000, 7_000);
        assertEquals(0, Refills.measured(h, 0).slots());
    }

    @Test
    void fewStartsSideBySideAreNoEvidence() {
        List<HistoryEntry> h = new ArrayList<>();
        refill(h, 100_000, 7_000);
        refill(h, 200_000, 20_000);
        refill(h, 200_000, 20_000);
        Refills r = Refills.measured(h, 0);
        assertEquals(0, r.slots());
        assertEquals(20_000, r.bootMs(), 1e-6, "the median start");
        assertNull(Refills.measured(List.of(), 0), "nothing recorded");
    }

    private static void refill(List<HistoryEntry> h, long readyAt, double ms) {
        h.add(new HistoryEntry(readyAt, "t", HistoryEntry.Kind.REFILL, null, ms, 0));
    }
}
