package dispool.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import io.quarkus.runtime.Quarkus;
import picocli.AutoComplete;
import picocli.CommandLine.Command;

/**
 * {@code dispool}: with no subcommand it serves (REST API, pools); a subcommand is a tool that
 * runs and exits. The service and the tools are one artifact: tools run under the {@code cli}
 * profile ({@code deploy/dispool} sets it), which turns off the HTTP listener and the engine so
 * a tool never clashes with a running service's port or preloads a second time.
 */
@TopCommand
@Command(name = "dispool", mixinStandardHelpOptions = true, version = "dispool 0.1.0",
        description = "Preloaded Qubes OS disposables: a pool per DVM template, handed out in milliseconds.",
        subcommands = {LsCommand.class, TopCommand.class, GetCommand.class, SetCommand.class, UnsetCommand.class, HandoutCommand.class,
            RmCommand.class, DrainCommand.class, RefillCommand.class, RunCommand.class, OpenCommand.class,
            SimQubesdCommand.class, BenchCommand.class, ChaosCommand.class, AdviceCommand.class, AutoComplete.GenerateCompletion.class})
public class DispoolCommand implements Runnable {

    /** No subcommand: serve until stopped (SIGTERM, Ctrl-C). */
    @Override
    public void run() {
        Quarkus.waitForExit();
    }
}
