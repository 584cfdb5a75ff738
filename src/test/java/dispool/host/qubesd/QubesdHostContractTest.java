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
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract on the qubesd adapter, talking the real wire format over a real Unix socket to the
 * emulated qubesd (the same simulator, 1000× faster than real time, that SimHostContractTest uses
 * in-process). Memory comes from the simulator directly: qmemman's figure is dom0-local, never on
 * the Admin API (QmemmanFileTest covers the file).
 */
class QubesdHostContractTest extends QubesHostContract {

    private QubesdEmulator emulator;
    private QubesdHost host;
    private SimHost sim;

    @BeforeEach
    void serve() throws IOException {
        sim = SimHost.builder().clock(Clock.scaled(1000)).seed(3).templateVm(TPL).dvmTemplate(DVM, 400, TPL, 1.0)
                .defaultDispvm(DVM).build();
        Path socket = Files.createTempDirectory("qubesd-contract").resolve("qubesd.sock");
        emulator = QubesdEmulator.serve(sim, socket);
        SocketTransport transport = new SocketTransport(socket, Duration.ofSeconds(30));
        host = new QubesdHost(transport, new EmulatorServices(transport), new SimMemory(sim),
                Backoff.doubling(Duration.ofMillis(20), Duration.ofMillis(200)));
    }

    @AfterEach
    void stop() throws IOException {
        emulator.close();
    }

    @Override
    protected QubesHost host() {
        return host;
    }

    @Override
    protected void updateTemplate(String qube) {
        sim.updateTemplate(qube);
    }

    /** The simulator's figure, standing in for qmemman's dom0-local file. */
    record SimMemory(SimHost sim) implements MemorySource {
        @Override
        public java.util.OptionalLong available(QubesHost ignored) {
            return sim.availableMemory();
        }

        @Override
        public String describe() {
            return "the simulator";
        }
    }
}
