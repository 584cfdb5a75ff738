package dispool.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Booting guests stopped for the milliseconds of a hand-out: which commands go to which guest, and when. */
class BootThrottleTest {

    private static final JsonNode OK = new ObjectMapper().createObjectNode().set("return", new ObjectMapper().createObjectNode());

    private final BootThrottle throttle = new BootThrottle();

    /** A guest's QMP that records what it was sent. */
    private static final class Guest implements BootThrottle.Commands {
        final List<String> sent = new ArrayList<>();
        boolean gone;

        @Override
        public CompletableFuture<JsonNode> submit(String command) throws IOException {
            if (gone) {
                throw new IOException("QMP connection closed (QEMU exited)");
            }
            sent.add(command);
            return CompletableFuture.completedFuture(OK);
        }
    }

    @Test
    void aHandOutStopsEveryBootingGuestAndContinuesThemWhenItEnds() {
        Guest b = new Guest();
        Guest c = new Guest();
        throttle.booting("disp1", b);
        throttle.booting("disp2", c);
        BootThrottle.Hold hold = throttle.hold();
        assertEquals(List.of("stop"), b.sent);
        assertEquals(List.of("stop"), c.sent);
        hold.close();
        assertEquals(List.of("stop", "cont"), b.sent);
        assertEquals(List.of("stop", "cont"), c.sent);
    }

    @Test
    void overlappingHandOutsContinueTheBootsOnlyAfterTheLast() {
        Guest b = new Guest();
        throttle.booting("disp1", b);
        BootThrottle.Hold first = throttle.hold();
        BootThrottle.Hold second = throttle.hold();
        first.close();
        assertEquals(List.of("stop"), b.sent, "still one hand-out in progress");
        second.close();
        assertEquals(List.of("stop", "cont"), b.sent);
    }

    @Test
    void aGuestLaunchedDuringAHandOutIsStoppedAtOnce() {
        BootThrottle.Hold hold = throttle.hold();
        Guest b = new Guest();
        throttle.booting("disp1", b);
        assertEquals(List.of("stop"), b.sent);
        hold.close();
        assertEquals(List.of("stop", "cont"), b.sent);
    }

    @Test
    void aGuestWhoseAgentAnsweredIsNoLongerBootingAndNeverStopped() {
        Guest b = new Guest();
        throttle.booting("disp1", b);
        throttle.answered("disp1");
        throttle.hold().close();
        assertEquals(List.of(), b.sent, "a handed-out disposable (or a cold one in use) keeps running");
    }

    @Test
    void aStoppedGuestWhoseAgentAnsweredIsContinuedAtOnce() {
        Guest b = new Guest();
        throttle.booting("disp1", b);
        BootThrottle.Hold hold = throttle.hold();
        throttle.answered("disp1");
        assertEquals(List.of("stop", "cont"), b.sent);
        hold.close();
        assertEquals(List.of("stop", "cont"), b.sent, "continued once, not twice");
    }

    @Test
    void aStoppedGuestThatIsPausedStaysStopped() {
        Guest b = new Guest();
        throttle.booting("disp1", b);
        BootThrottle.Hold hold = throttle.hold();
        throttle.leave("disp1"); // the preload's own pause follows; a cont now would undo it
        hold.close();
        assertEquals(List.of("stop"), b.sent);
    }

    @Test
    void theThrottlesOwnStopAndResumeAreNotDomainEventsButOthersAre() {
        Guest b = new Guest();
        throttle.booting("disp1", b);
        throttle.hold().close();
        assertTrue(throttle.ownEvent("disp1", "STOP"));
        assertTrue(throttle.ownEvent("disp1", "RESUME"));
        assertFalse(throttle.ownEvent("disp1", "STOP"), "a later pause is the host's domain-paused");
        assertFalse(throttle.ownEvent("disp1", "RESUME"));
        assertFalse(throttle.ownEvent("disp2", "STOP"));
    }

    @Test
    void aGuestGoneMeanwhileIsSkipped() {
        Guest b = new Guest();
        Guest c = new Guest();
        throttle.booting("disp1", b);
        throttle.booting("disp2", c);
        b.gone = true;
        throttle.hold().close();
        assertEquals(List.of(), b.sent);
        assertFalse(throttle.ownEvent("disp1", "STOP"), "no command sent, no event expected");
        assertEquals(List.of("stop", "cont"), c.sent);
    }

    @Test
    void offItLeavesBootingGuestsAlone() {
        Guest b = new Guest();
        throttle.enabled(false);
        throttle.booting("disp1", b);
        throttle.hold().close();
        assertEquals(List.of(), b.sent);
    }
}
