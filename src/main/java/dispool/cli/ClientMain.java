package dispool.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The entry point of the everyday commands: plain picocli, no Quarkus and no CDI, so a call costs
 * a JVM start and one HTTP request, not a service boot. Every error reaches the user as
 * {@code dispool COMMAND: ...} on stderr with exit 1 (2 for usage), never as a stack trace.
 */
public final class ClientMain {

    private ClientMain() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = commandLine(out, err, args).execute(args);
        out.flush();
        System.exit(code);
    }

    /** The whole {@code dispool} command line writing to {@code out} and {@code err}, with its error handlers. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, new String[0]);
    }

    /**
     * The command line for {@code args}: with only the subcommand they name when they name one,
     * none for the tool's version alone (the usage, a completion script and a mistyped name get
     * them all).
     */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, String[] args) {
        CommandLine cl = new CommandLine(new ClientCommand());
        String called = args.length > 0 ? args[0] : "";
        boolean one = ClientCommand.SUBCOMMANDS.containsKey(called) && !called.equals("generate-completion");
        boolean none = args.length == 1 && (called.equals("--version") || called.equals("-V"));
        ClientCommand.SUBCOMMANDS.forEach((name, command) -> {
            if (!none && (!one || name.equals(called))) {
                cl.addSubcommand(name, command.get());
                // -V on a subcommand prints the tool's version, as on the tool itself
                cl.getSubcommands().get(name).getCommandSpec().version(cl.getCommandSpec().version());
            }
        });
        cl.setOut(out).setErr(err);
        cl.setParameterExceptionHandler(ClientMain::usageError);
        cl.setExecutionExceptionHandler((e, failed, parsed) -> {
            failed.getErr().println(prefix(failed) + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return ServiceCommand.REFUSED;
        });
        return cl;
    }

    /** A usage error: {@code dispool COMMAND: what was wrong}, and where the help is. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine failed = e.getCommandLine();
        PrintWriter err = failed.getErr();
        if (failed.getParent() == null && args.length > 0 && e instanceof UnmatchedArgumentException u
                && u.getUnmatched().indexOf(args[0]) == 0) {
            err.println("dispool: '" + args[0] + "' is not a dispool command: one of "
                    + String.join(", ", ClientCommand.SUBCOMMANDS.keySet()) + ", or the tools bench, chaos, sim-qubesd");
        } else {
            err.println(prefix(failed) + ": " + e.getMessage());
        }
        err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
        return ServiceCommand.USAGE;
    }

    private static String prefix(CommandLine cl) {
        return cl.getCommandSpec().qualifiedName();
    }
}
