package dispool.host.qubesd;

import dispool.host.Backoff;
import dispool.host.Clock;
import dispool.host.QubesHost;
import dispool.host.QubesHostContract;
import dispool.emulator.EmulatorServices;
import dispool.emulator.QubesdEmulator;
import dispool.host.sim.SimHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract once more, this time through the management-qube transport: a fake
 * {@code qrexec-client-vm} does what qrexec does for a socket-based service in dom0 (writes the
 * service descriptor with this qube as the source in front of the payload, half-closes, copies the
 * reply to stdout). It is a small Python script, so this test needs python3 on PATH.
 */
class QrexecContractTest extends QubesHostContract {

    private static final String FAKE_QREXEC_CLIENT_VM = """
            import socket, sys
            dest, service = sys.argv[1], sys.argv[2]
            if "+" not in service:
                service += "+"  # qrexec inserts the empty argument for calls from a qube
            payload = sys.stdin.buffer.read()
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(sys.argv[0] + ".sock")
            s.sendall(f"{service} dispool-mgmt name {dest}".encode() + b"\\0" + payload)
            s.shutdown(socket.SHUT_WR)
            while chunk := s.recv(65536):
                sys.stdout.buffer.write(chunk)
                sys.stdout.buffer.flush()
            """;

    private QubesdEmulator emulator;
    private QubesdHost host;
    private SimHost sim;

    @BeforeEach
    void serve() throws IOException, InterruptedException {
        String python = python3();
        sim = SimHost.builder().clock(Clock.scaled(1000)).seed(3).templateVm(TPL).dvmTemplate(DVM, 400, TPL, 1.0)
                .defaultDispvm(DVM).build();
        Path dir = Files.createTempDirectory("qrexec-contract");
        Path client = dir.resolve("qrexec-client-vm");
        Files.writeString(client, "#!" + python + "\n" + FAKE_QREXEC_CLIENT_VM.stripIndent());
        Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rwx------"));
        emulator = QubesdEmulator.serve(sim, dir.resolve("qrexec-client-vm.sock"));
        QrexecTransport transport = new QrexecTransport(client.toString(), Duration.ofSeconds(30));
        host = new QubesdHost(transport, new EmulatorServices(transport), new QubesdHostContractTest.SimMemory(sim),
                Backoff.doubling(Duration.ofMillis(20), Duration.ofMillis(200)));
    }

    /** The interpreter itself (not a version-manager shim, which costs ~0.3 s per call). */
    private static String python3() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)").start();
        String path = new String(p.getInputStream().readAllBytes()).strip();
        Assumptions.assumeTrue(p.waitFor() == 0 && !path.isEmpty(), "this test needs python3 on PATH");
        return path;
    }

    @AfterEach
    void stop() throws IOException {
        if (emulator != null) {
            emulator.close();
        }
    }

    @Override
    protected QubesHost host() {
        return host;
    }

    @Override
    protected void updateTemplate(String qube) {
        sim.updateTemplate(qube);
    }
}
