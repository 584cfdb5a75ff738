package dispool.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.Clock;
import dispool.host.QubesException;
import dispool.host.qubesd.SocketTransport;
import dispool.host.qubesd.wire.AdminCall;
import dispool.host.qubesd.wire.Reply;
import dispool.host.sim.SimHost;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Admin API methods qvm-ls, qvm-prefs and qvm-features call, as qubesd R4.3 answers them:
 * the same reply formats and the same exception types and messages (the real tools were run
 * against the emulator by hand, see the README; this keeps what they rely on).
 */
class QvmToolsMethodsTest {

    private QubesdEmulator emulator;
    private SocketTransport transport;

    @BeforeEach
    void serve() throws IOException {
        SimHost sim = SimHost.builder().clock(Clock.scaled(200)).seed(2).dvmTemplate("web-dvm", 400, "debian-13-xfce", 1.0)
                .build();
        emulator = QubesdEmulator.serve(sim, Files.createTempDirectory("qvm").resolve("q.sock"));
        transport = new SocketTransport(emulator.socket(), Duration.ofSeconds(10));
    }

    @AfterEach
    void close() throws IOException {
        emulator.close();
    }

    private String call(String method, String dest, String arg, String payload) {
        AdminCall c = AdminCall.of(method, arg, dest, payload);
        return Reply.decode(transport.call(c), c);
    }

    private QubesException refused(String method, String dest, String arg, String payload) {
        return assertThrows(QubesException.class, () -> call(method, dest, arg, payload));
    }

    @Test
    void qvmPrefsSetsResetsAndExplainsProperties() {
        assertEquals("default=True type=int 2", call("admin.vm.property.Get", "web-dvm", "vcpus", ""));
        call("admin.vm.property.Set", "web-dvm", "vcpus", "4");
        assertEquals("default=False type=int 4", call("admin.vm.property.Get", "web-dvm", "vcpus", ""));
        call("admin.vm.property.Reset", "web-dvm", "vcpus", "");
        assertEquals("default=True type=int 2", call("admin.vm.property.Get", "web-dvm", "vcpus", ""),
                "reset to the TemplateVM's value");
        assertEquals("type=int 2", call("admin.vm.property.GetDefault", "web-dvm", "vcpus", ""));
        assertTrue(call("admin.vm.property.Help", "web-dvm", "vcpus", "").startsWith("Number of virtual CPUs"));
        assertTrue(call("admin.vm.property.List", "web-dvm", "", "").contains("template_for_dispvms\n"));
        assertTrue(call("admin.vm.property.GetAll", "web-dvm", "", "").contains("label default=False type=label red\n"));
    }

    @Test
    void badValuesGetQubesOwnExceptions() {
        assertEquals("QubesValueError", refused("admin.vm.property.Set", "web-dvm", "memory", "abc").type());
        QubesException zero = refused("admin.vm.property.Set", "web-dvm", "memory", "0");
        assertEquals("QubesPropertyValueError", zero.type());
        assertTrue(zero.getMessage().contains("memory must be positive"), zero.getMessage());
        assertEquals("QubesNoSuchPropertyError", refused("admin.vm.property.Set", "web-dvm", "nosuch", "1").type());
        assertEquals("QubesLabelNotFoundError", refused("admin.vm.property.Set", "web-dvm", "label", "pink").type());
        assertEquals("QubesPropertyValueError", refused("admin.vm.property.Set", "web-dvm", "netvm", "nope").type());
        assertEquals("QubesValueError", refused("admin.vm.property.Set", "web-dvm", "template_for_dispvms", "maybe").type());
        assertEquals("QubesPropertyValueError", refused("admin.vm.property.Set", "web-dvm", "name", "x").type());
    }

    @Test
    void qvmFeaturesAndQvmLsFindWhatTheyList() {
        call("admin.vm.feature.Set", "web-dvm", "preload-dispvm-max", "0");
        assertEquals("preload-dispvm-max\nqrexec\nsupported-rpc.qubes.WaitForRunningSystem\n",
                call("admin.vm.feature.List", "web-dvm", "", ""));
        assertEquals("1", call("admin.vm.feature.CheckWithTemplate", "web-dvm", "qrexec", ""));
        assertEquals("QubesFeatureNotFoundError", refused("admin.vm.feature.CheckWithTemplate", "web-dvm", "gui", "").type());
        assertEquals("private\nroot\n", call("admin.vm.volume.List", "web-dvm", "", ""));
        assertTrue(call("admin.label.List", "dom0", "", "").startsWith("red\norange\n"));
        assertEquals("0xcc0000", call("admin.label.Get", "dom0", "red", ""));
        assertEquals("1", call("admin.label.Index", "dom0", "red", ""));
        assertEquals("QubesLabelNotFoundError", refused("admin.label.Get", "dom0", "pink", "").type());
    }
}
