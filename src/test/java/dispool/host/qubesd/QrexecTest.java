package dispool.host.qubesd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.QubesException;
import dispool.host.ServiceResult;
import dispool.host.ServiceTimeoutException;
import dispool.host.qubesd.wire.AdminCall;
import dispool.host.qubesd.wire.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The qrexec programs, replaced by a fake executable the test writes: it records its argv and
 * stdin, prints a canned reply and exits with a chosen status. Checks argv, stdin and exit-code
 * mapping against the reference's vectors, without a Qubes host.
 */
class QrexecTest {

    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("qrexec-fake");
    }

    /** A fake program: records argv (one per line) and stdin, prints {@code stdout}, exits {@code status}. */
    private String fake(String stdoutPrintf, int status, String extra) throws IOException {
        Path script = dir.resolve("fake-" + status + "-" + Math.abs(stdoutPrintf.hashCode()));
        Files.writeString(script, "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + dir.resolve("argv") + "'\ncat > '"
                + dir.resolve("stdin") + "'\n" + extra + "\nprintf '" + stdoutPrintf + "'\necho 'diagnostics' >&2\nexit " + status + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script.toString();
    }

    private List<String> argv() throws IOException {
        return Files.readAllLines(dir.resolve("argv"));
    }

    private String stdin() throws IOException {
        return Files.readString(dir.resolve("stdin"));
    }

    @Test
    void aCallPutsDestAndServiceInArgvAndThePayloadOnStdin() throws IOException {
        String prog = fake("0\\000disp7", 0, "");
        QrexecTransport t = new QrexecTransport(prog, Duration.ofSeconds(10));
        AdminCall c = new AdminCall("some.method", "arg1", "dom0", "test-vm", "payload".getBytes(StandardCharsets.US_ASCII));
        assertEquals("disp7", Reply.decode(t.call(c), c));
        assertEquals(List.of("test-vm", "some.method+arg1"), argv());
        assertEquals("payload", stdin());
        t.call(AdminCall.of("some.method", "", "test-vm", ""));
        assertEquals(List.of("test-vm", "some.method"), argv(), "no argument: no '+'");
    }

    @Test
    void exit126SaysWhichPolicyLineIsMissing() throws IOException {
        QrexecTransport t = new QrexecTransport(fake("", 126, ""), Duration.ofSeconds(10));
        QubesException e = assertThrows(QubesException.class, () -> t.call(AdminCall.of("admin.vm.Start", "", "disp7", "")));
        assertEquals(Errors.ACCESS, e.type());
        assertTrue(e.getMessage().contains("'admin.vm.Start * <this-qube> disp7 allow target=dom0'"), e.getMessage());
        assertTrue(e.getMessage().contains("stderr: diagnostics"), e.getMessage());
        QubesException global = assertThrows(QubesException.class, () -> t.call(AdminCall.of("admin.vm.List", "", "dom0", "")));
        assertTrue(global.getMessage().contains("admin.vm.List * <this-qube> @adminvm allow target=dom0"), global.getMessage());
    }

    @Test
    void otherExitCodesAreNamed() throws IOException {
        for (int status : new int[] {125, 127, 137}) {
            QrexecTransport t = new QrexecTransport(fake("", status, ""), Duration.ofSeconds(10));
            QubesException e = assertThrows(QubesException.class, () -> t.call(AdminCall.of("admin.vm.List", "", "dom0", "")));
            assertTrue(e.getMessage().contains(switch (status) {
                case 125 -> "qrexec could not make the call";
                case 127 -> "no such service";
                default -> "killed by signal 9";
            }), e.getMessage());
        }
    }

    @Test
    void theEventStreamIsTheChildsStdoutWithStdinClosed() throws IOException {
        QrexecTransport t = new QrexecTransport(fake("1\\000\\000connection-established\\000\\000", 0, ""), Duration.ofSeconds(10));
        try (InputStream in = t.openStream(AdminCall.of("admin.Events", "", "dom0", ""))) {
            assertEquals("1\0\0connection-established\0\0", new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
        }
        assertEquals(List.of("dom0", "admin.Events"), argv());
        assertEquals("", stdin());
    }

    @Test
    void dom0RunsServicesWithQrexecClientAndTheQubesTimeout() throws IOException {
        QrexecServices s = QrexecServices.fromDom0(fake("", 0, ""));
        assertEquals(ServiceResult.OK.exitStatus(), s.run("some-vm", "qubes.WaitForRunningSystem", Duration.ofSeconds(30)).exitStatus());
        assertEquals(List.of("-d", "some-vm", "-w", "30", "-T", "DEFAULT:QUBESRPC qubes.WaitForRunningSystem+ dom0"), argv());
        ServiceResult failed = QrexecServices.fromDom0(fake("", 1, "")).run("some-vm", "qubes.WaitForSession", Duration.ofSeconds(30));
        assertEquals(1, failed.exitStatus());
        assertEquals("diagnostics", failed.stderr());
    }

    @Test
    void aManagementQubeRunsServicesWithQrexecClientVm() throws IOException {
        QrexecServices.fromManagementQube(fake("", 0, "")).run("disp7", "qubes.WaitForRunningSystem", Duration.ofSeconds(30));
        assertEquals(List.of("disp7", "qubes.WaitForRunningSystem"), argv());
        QubesException denied = assertThrows(QubesException.class, () -> QrexecServices.fromManagementQube(fake("", 126, ""))
                .run("disp7", "qubes.WaitForRunningSystem", Duration.ofSeconds(30)));
        assertTrue(denied.getMessage().contains("qubes.WaitForRunningSystem * <this-qube> @tag:created-by-<this-qube> allow"));
    }

    @Test
    void aServiceThatOutlivesItsTimeoutIsKilledAndNamed() throws IOException {
        ServiceTimeoutException e = assertThrows(ServiceTimeoutException.class, () -> QrexecServices
                .fromDom0(fake("", 0, "exec sleep 30")).run("disp7", "qubes.WaitForRunningSystem", Duration.ofMillis(300)));
        assertTrue(e.getMessage().contains("'qubes.WaitForRunningSystem' in disp7"), e.getMessage());
        assertTrue(e.getMessage().contains("qvm-run -p --service disp7 qubes.WaitForRunningSystem"), e.getMessage());
    }
}
