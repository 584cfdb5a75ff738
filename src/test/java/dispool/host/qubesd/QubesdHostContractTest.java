package dispool.host.qubesd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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

    /** {@code admin.vm.CurrentState} over the wire: its {@code mem=} is what the simulator's model has the qube hold. */
    @Test
    void currentStateCarriesTheMemoryAPausedQubeHolds() {
        String name = host.createDisposable(DVM, Map.of());
        host.start(name);
        host.pause(name);
        assertEquals(sim.currentMemoryKiB(name), host.currentMemoryKiB(name));
        assertEquals(400 * 1024, host.currentMemoryKiB(name), "the simulator's plain sum: its memory");
        String reply = host.call("admin.vm.CurrentState", "", name, "");
        assertTrue(reply.matches("mem=409600 mem_static_max=\\d+ cputime=\\d+ power_state=Paused"), reply);
        host.kill(name);
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
