package dispool.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
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
            "Run 'dispool COMMAND --help' for a command's options."})
public class ClientCommand implements Callable<Integer> {

    /**
     * The subcommands in the order the usage lists them. They are added to the command line by
     * {@link ClientMain}, only the one called when a call names one: picocli reads every added
     * command's annotations up front, a cost each call would otherwise pay ten times over.
     */
    static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("ls", LsCommand::new);
        m.put("get", GetCommand::new);
        m.put("set", SetCommand::new);
        m.put("unset", UnsetCommand::new);
        m.put("handout", HandoutCommand::new);
        m.put("rm", RmCommand::new);
        m.put("drain", DrainCommand::new);
        m.put("refill", RefillCommand::new);
        m.put("run", RunCommand::new);
        m.put("open", OpenCommand::new);
        m.put("advice", AdviceCommand::new);
        m.put("top", TopCommand::new);
        m.put("generate-completion", AutoComplete.GenerateCompletion::new);
        return m;
    }

    @Spec
    CommandSpec spec;

    /** No subcommand: the usage on stderr and exit 2, as a qvm-* tool called without arguments. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ServiceCommand.USAGE;
    }
}
