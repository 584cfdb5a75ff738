package dispool.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Qubes' service names on the QEMU guest's agent; no QEMU needed. */
class AgentServicesTest {

    @Test
    void readinessServicesAreAPing() {
        assertEquals(Optional.of(""), AgentServices.command("qubes.WaitForRunningSystem"));
        assertEquals(Optional.of(""), AgentServices.command("qubes.WaitForSession"));
    }

    @Test
    void vmExecDecodesQubesArgumentEncodingAndQuotesForTheShell() {
        assertEquals(Optional.of("'uname' '-r'"), AgentServices.command("qubes.VMExec+uname+--r"));
        assertEquals(Optional.of("'echo' 'a b/c' 'it'\\''s'"), AgentServices.command("qubes.VMExec+echo+a-20b-2Fc+it-27s"));
    }

    @Test
    void unknownServicesAndBrokenEscapesAreRefused() {
        assertEquals(Optional.empty(), AgentServices.command("qubes.Filecopy"));
        assertEquals(Optional.empty(), AgentServices.command("qubes.VMExec+"));
        assertThrows(IllegalArgumentException.class, () -> AgentServices.command("qubes.VMExec+ls+-"));
        assertThrows(IllegalArgumentException.class, () -> AgentServices.command("qubes.VMExec+ls+-zz"));
    }
}
