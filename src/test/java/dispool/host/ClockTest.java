package dispool.host;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClockTest {

    @Test
    void aSleepLastsAtLeastTheWallTimeOfItsHostTime() throws InterruptedException {
        Clock clock = Clock.scaled(1000);
        for (Duration hostTime : new Duration[] {Duration.ofMillis(300), Duration.ofSeconds(3)}) {
            long before = System.nanoTime();
            clock.sleep(hostTime);
            long wall = System.nanoTime() - before;
            assertTrue(wall >= clock.toWallNanos(hostTime),
                    hostTime + " of host time at scale 1000 must last at least " + clock.toWallNanos(hostTime) + " ns, lasted " + wall);
        }
    }

    @Test
    void anInterruptedSleepThrowsAndClearsTheFlag() {
        Clock clock = Clock.scaled(1);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> clock.sleep(Duration.ofSeconds(30)));
        assertFalse(Thread.currentThread().isInterrupted(), "the interrupt is reported once, as Thread.sleep does");
    }
}
