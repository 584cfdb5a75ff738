package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MemoryGateTest {

    private static final long MIB = 1L << 20;

    @Test
    void admitsWhatFitsAboveTheThreshold() {
        assertEquals(3, MemoryGate.allowed(3, 2000 * MIB, 500 * MIB, 400 * MIB));
        assertEquals(1, MemoryGate.allowed(3, 1000 * MIB, 500 * MIB, 400 * MIB));
        assertEquals(0, MemoryGate.allowed(3, 800 * MIB, 500 * MIB, 400 * MIB));
    }

    @Test
    void negativeOrTinyAvailableMemoryAdmitsNothing() {
        assertEquals(0, MemoryGate.allowed(2, -300 * MIB, 0, 400 * MIB));
        assertEquals(0, MemoryGate.allowed(0, 9000 * MIB, 0, 400 * MIB));
    }

    @Test
    void reservedMemoryIsNotSpentTwice() {
        MemoryGate gate = new MemoryGate(() -> OptionalLong.of(1300 * MIB));
        assertEquals(3, gate.admit("a-dvm", 5, 0, 400).allowed());
        MemoryGate.Admission second = gate.admit("b-dvm", 2, 0, 400);
        assertEquals(0, second.allowed());
        assertTrue(second.reason().contains("2 of 2 preloads wait for memory"), second.reason());
        gate.release(400);
        assertEquals(1, gate.admit("b-dvm", 2, 0, 400).allowed());
    }

    @Test
    void withoutAFigureEverythingIsAdmitted() {
        MemoryGate gate = new MemoryGate(OptionalLong::empty);
        MemoryGate.Admission a = gate.admit("a-dvm", 4, 1000, 400);
        assertEquals(4, a.allowed());
        assertNull(a.availableMiB());
    }
}
