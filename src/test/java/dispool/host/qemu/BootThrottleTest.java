package dispool.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Starting guests stopped for the milliseconds of a hand-out: which signals go to which process, and when. */
class BootThrottleTest {

    /** Records the signals sent; a pid in {@link #gone} has exited. */
    private static final class Recorder implements Signals {
        final List<String> sent = new ArrayList<>();
        final Set<Long> gone = new HashSet<>();

        @Override
        public synchronized boolean stop(long pid) {
            return send("STOP " + pid, pid);
        }

        @Override
        public synchronized boolean cont(long pid) {
            return send("CONT " + pid, pid);
        }

        private boolean send(String what, long pid) {
            if (gone.contains(pid)) {
                return false;
            }
            sent.add(what);
            return true;
        }
    }

    private final Recorder signals = new Recorder();
    private final BootThrottle throttle = new BootThrottle(signals);

    @Test
    void aHandOutStopsEveryBootingGuestAndContinuesThemWhenItEnds() {
        throttle.booting("disp1", 101);
        throttle.booting("disp2", 102);
        BootThrottle.Hold hold = throttle.hold();
        assertEquals(List.of("STOP 101", "STOP 102"), signals.sent.stream().sorted().toList());
        hold.close();
        assertEquals(List.of("CONT 101", "CONT 102", "STOP 101", "STOP 102"), signals.sent.stream().sorted().toList());
    }

    @Test
    void overlappingHandOutsContinueTheBootsOnlyAfterTheLast() {
        throttle.booting("disp1", 101);
        BootThrottle.Hold first = throttle.hold();
        BootThrottle.Hold second = throttle.hold();
        first.close();
        assertEquals(List.of("STOP 101"), signals.sent, "still one hand-out in progress");
        second.close();
        assertEquals(List.of("STOP 101", "CONT 101"), signals.sent);
    }

    @Test
    void aGuestWhoseQemuRunsDuringAHandOutIsStoppedAtOnce() {
        BootThrottle.Hold hold = throttle.hold();
        throttle.booting("disp1", 101);
        assertEquals(List.of("STOP 101"), signals.sent);
        hold.close();
        assertEquals(List.of("STOP 101", "CONT 101"), signals.sent);
    }

    @Test
    void aLaunchingQemuIsStoppedOnceItsPidIsKnownAndNotBefore() {
        AtomicLong pid = new AtomicLong();
        throttle.launching("disp1", pid::get);
        throttle.hold().close();
        assertEquals(List.of(), signals.sent, "no pid file yet: nothing to signal");
        pid.set(101);
        throttle.hold().close();
        assertEquals(List.of("STOP 101", "CONT 101"), signals.sent, "QEMU's own start, before QMP answers, held still too");
    }

    @Test
    void aGuestWhoseAgentAnsweredIsNoLongerBootingAndNeverStopped() {
        throttle.booting("disp1", 101);
        throttle.leave("disp1");
        throttle.hold().close();
        assertEquals(List.of(), signals.sent, "a handed-out disposable (or a cold one in use) keeps running");
    }

    @Test
    void aStoppedGuestThatLeavesIsContinuedAtOnceAndOnlyOnce() {
        throttle.booting("disp1", 101);
        BootThrottle.Hold hold = throttle.hold();
        throttle.leave("disp1"); // its agent answered, or its pause or kill follows: QMP must answer
        assertEquals(List.of("STOP 101", "CONT 101"), signals.sent);
        hold.close();
        assertEquals(List.of("STOP 101", "CONT 101"), signals.sent, "continued once, not twice");
        assertFalse(throttle.isStopped("disp1"));
    }

    @Test
    void aGuestGoneMeanwhileIsSkipped() {
        throttle.booting("disp1", 101);
        throttle.booting("disp2", 102);
        signals.gone.add(101L);
        throttle.hold().close();
        assertEquals(List.of("STOP 102", "CONT 102"), signals.sent);
        assertFalse(throttle.isStopped("disp1"));
    }

    @Test
    void offItLeavesStartingGuestsAloneAndLaunchesDoNotWait() throws Exception {
        throttle.enabled(false);
        throttle.booting("disp1", 101);
        try (BootThrottle.Hold hold = throttle.hold()) {
            long t0 = System.nanoTime();
            throttle.awaitNoHandOut();
            assertTrue(System.nanoTime() - t0 < BootThrottle.LAUNCH_WAIT.toNanos(), "off: no wait");
        }
        assertEquals(List.of(), signals.sent);
    }

    @Test
    void aLaunchWaitsForTheHandOutInProgressToEnd() throws Exception {
        BootThrottle.Hold hold = throttle.hold();
        CompletableFuture<Void> launch = CompletableFuture.runAsync(() -> {
            try {
                throttle.awaitNoHandOut();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        hold.close();
        launch.get(BootThrottle.LAUNCH_WAIT.toMillis() / 2, TimeUnit.MILLISECONDS); // woken by the end, not the bound
    }

    @Test
    void aLaunchIsNeverHeldLongerThanItsBound() throws Exception {
        try (BootThrottle.Hold hold = throttle.hold()) {
            long t0 = System.nanoTime();
            throttle.awaitNoHandOut();
            long waited = System.nanoTime() - t0;
            assertTrue(waited >= BootThrottle.LAUNCH_WAIT.toNanos() * 9 / 10, "waited " + waited / 1_000_000 + " ms");
        }
    }
}
