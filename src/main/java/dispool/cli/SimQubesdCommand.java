package dispool.cli;

import dispool.app.DispoolConfig;
import dispool.app.EngineProducer;
import dispool.emulator.QubesdEmulator;
import dispool.host.sim.SimHost;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dispool sim-qubesd --socket PATH}: serves the simulated Qubes host (configured by
 * {@code dispool.sim.*}, as the embedded simulator) as qubesd on a Unix socket, in the real Admin
 * API wire format, until stopped. A dispool service with {@code dispool.host=qubesd},
 * {@code dispool.qubes.socket=PATH} and {@code dispool.qubes.services=emulator} then runs against
 * it end to end. With {@code --release R43_NATIVE} the emulated qubesd preloads by itself (the
 * reference model, {@code dispool.emulator.reference}), starting with its boot service.
 */
@Command(name = "sim-qubesd", mixinStandardHelpOptions = true,
        description = "Serve the simulated Qubes host as qubesd on a Unix socket (the Admin API wire format).")
public class SimQubesdCommand implements Callable<Integer> {

    @Option(names = "--socket", required = true, description = "Unix socket to serve on, e.g. /tmp/q.sock")
    Path socket;

    @Option(names = "--qmemman-file", description = "Also keep qmemman's available-memory file here (bytes, replaced atomically)")
    Path qmemmanFile;

    @Option(names = "--release", defaultValue = "R43",
            description = "qubesd to emulate: R42 (no uuid= in listings), R43 (no native preloading) or R43_NATIVE "
                    + "(qubesd preloads by itself). Default: ${DEFAULT-VALUE}")
    QubesdEmulator.Release release;

    @Inject
    DispoolConfig config;

    @Override
    public Integer call() throws Exception {
        SimHost host = EngineProducer.simHost(config.sim());
        try (QubesdEmulator emulator = QubesdEmulator.serve(host, socket, release)) {
            if (qmemmanFile != null) {
                emulator.writeQmemmanFile(qmemmanFile);
            }
            System.out.println("qubesd emulator (" + release + ", time scale " + host.clock().scale()
                    + ") serving " + host.listQubes().size() + " qubes on " + socket + "; Ctrl-C to stop");
            System.out.println("a dispool service against it: -Ddispool.host=qubesd -Ddispool.qubes.socket=" + socket
                    + " -Ddispool.qubes.services=emulator");
            Quarkus.waitForExit();
        }
        return 0;
    }
}
