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

    @Test
    void aSlowMemoryFigureDoesNotHoldOtherAdmissions() throws Exception {
        java.util.concurrent.CountDownLatch slowRead = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        MemoryGate gate = new MemoryGate(() -> {
            if (first.getAndSet(false)) {
                try {
                    slowRead.await(); // an Admin API round trip that takes long (a budget over qrexec)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return OptionalLong.of(2000 * MIB);
        });
        java.util.concurrent.CompletableFuture<MemoryGate.Admission> slow =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> gate.admit("a-dvm", 1, 0, 400));
        org.awaitility.Awaitility.await().until(() -> !first.get());
        java.util.concurrent.CompletableFuture<MemoryGate.Admission> other =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> gate.admit("b-dvm", 1, 0, 400));
        assertEquals(1, other.get(5, java.util.concurrent.TimeUnit.SECONDS).allowed(), "waited for another pool's host read");
        slowRead.countDown();
        assertEquals(1, slow.get(5, java.util.concurrent.TimeUnit.SECONDS).allowed());
    }
}
