package dispool.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import io.quarkus.runtime.Quarkus;
import picocli.CommandLine.Command;

/**
 * The service's own entry point: with no subcommand it serves (REST API, pools); a subcommand is
 * a tool that needs the engine or the simulator in-process and runs and exits. Tools run under the
 * {@code cli} profile ({@code deploy/dispool} sets it), which turns off the HTTP listener and the
 * engine so a tool never clashes with a running service's port or preloads a second time. The
 * everyday commands that only talk to the service are {@link ClientCommand}'s, without Quarkus.
 */
@TopCommand
@Command(name = "dispool", mixinStandardHelpOptions = true, version = "dispool 0.1.0",
        description = "Preloaded Qubes OS disposables: a pool per DVM template, handed out in milliseconds.",
        subcommands = {SimQubesdCommand.class, BenchCommand.class, ChaosCommand.class})
public class DispoolCommand implements Runnable {

    /** No subcommand: serve until stopped (SIGTERM, Ctrl-C). */
    @Override
    public void run() {
        Quarkus.waitForExit();
    }
}
