package dispool.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code dispool rm NAME...}: kills and removes disposables dispool handed out. The service
 * refuses (403) any qube without dispool's hand-out mark, so this never removes another qube.
 */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = "Kill and remove disposables that dispool handed out (others are refused).")
class RmCommand extends ServiceCommand {

    @Parameters(arity = "1..*", paramLabel = "NAME", converter = QubeName.class, description = "Handed-out disposables.")
    List<String> names;

    /** Goes on after a refusal, as qvm-remove does with several qubes; the exit code is the worst one. */
    @Override
    int run(ServiceClient client) {
        int worst = 0;
        for (String name : names) {
            try {
                expect(client, "DELETE", "/api/v1/dispvms/" + name, null);
            } catch (Refused e) {
                err().println("dispool rm: " + e.getMessage());
                worst = Math.max(worst, e.exitCode);
            }
        }
        return worst;
    }
}
