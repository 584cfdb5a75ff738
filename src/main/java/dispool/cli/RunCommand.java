package dispool.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dispool run [--template T] -- CMD...}: hands out a disposable, runs CMD in it through
 * qubes.VMShell (as qvm-run does: the command line on the service's stdin), prints its output,
 * removes the disposable, and exits with CMD's exit status.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a command in a preloaded disposable, print its output, remove the disposable.",
            "  dispool run --template web-dvm -- ls -l /", "The exit status is the command's."})
class RunCommand extends ServiceCommand {

    @Option(names = "--template", paramLabel = "TEMPLATE", converter = QubeName.class,
            description = "The DVM template (default: the global default_dispvm).")
    String template;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments (after --).")
    List<String> command;

    @Mixin
    QrexecCall qrexec;

    @Override
    int run(ServiceClient client) {
        String name = HandoutCommand.handOut(this, client, template).get("name").asText();
        try {
            // qubes.VMShell runs its stdin as a shell script: each word quoted, so CMD reaches it as typed.
            return qrexec.run(name, "qubes.VMShell", List.of(), QrexecCall.shellWords(command) + "\nexit\n", out(), err());
        } finally {
            expect(client, "DELETE", "/api/v1/dispvms/" + name, null);
        }
    }
}
