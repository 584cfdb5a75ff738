package dispool.host.qubesd;

import dispool.host.Clock;
import dispool.host.QubesHost;
import dispool.host.QubesHostContract;
import dispool.emulator.EmulatorServices;
import dispool.emulator.QubesdEmulator;
import dispool.host.sim.SimHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract once more, this time through the management-qube transport: a fake
 * {@code qrexec-client-vm} does what qrexec does for a socket-based service in dom0 (writes the
 * service descriptor with this qube as the source in front of the payload, half-closes, copies the
 * reply to stdout): {@link FakeQrexecClientVm}.
 */
class QrexecContractTest extends QubesHostContract {

    private QubesdEmulator emulator;
    private QubesdHost host;
    private SimHost sim;

    @BeforeEach
    void serve() throws IOException, InterruptedException {
        sim = SimHost.builder().clock(Clock.scaled(1000)).seed(3).templateVm(TPL).dvmTemplate(DVM, 400, TPL, 1.0)
                .defaultDispvm(DVM).build();
        Path dir = Files.createTempDirectory("qrexec-contract");
        emulator = FakeQrexecClientVm.serve(sim, dir, "dispool-mgmt");
        Path client = FakeQrexecClientVm.client(dir);
        QrexecTransport transport = new QrexecTransport(client.toString(), Duration.ofSeconds(30));
        host = new QubesdHost(transport, new EmulatorServices(transport), new QubesdHostContractTest.SimMemory(sim),
                new EventStream.Backoff(Duration.ofMillis(20), Duration.ofMillis(200)));
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
