package dispool.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code dispool} as a qvm-* tool: the everyday commands, each one HTTP call (or a few) to the
 * running service, in a JVM that loads picocli, Jackson and this package only ({@link ClientMain}).
 * The tools that need the engine or the simulator in-process ({@code bench}, {@code chaos},
 * {@code sim-qubesd}) are {@link DispoolCommand}'s; {@code deploy/dispool} picks the one to run.
 */
@Command(name = "dispool", mixinStandardHelpOptions = true, version = "dispool 0.1.0",
        description = "Preloaded Qubes OS disposables: a pool per DVM template, handed out in milliseconds.",
        footer = {"", "Tools (they start the full service code, a few seconds): bench, chaos, sim-qubesd.",
            "Run 'dispool COMMAND --help' for a command's options."},
        subcommands = {LsCommand.class, GetCommand.class, SetCommand.class, UnsetCommand.class, HandoutCommand.class,
            RmCommand.class, DrainCommand.class, RefillCommand.class, RunCommand.class, OpenCommand.class,
            AdviceCommand.class, AutoComplete.GenerateCompletion.class})
public class ClientCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** No subcommand: the usage on stderr and exit 2, as a qvm-* tool called without arguments. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ServiceCommand.USAGE;
    }
}
