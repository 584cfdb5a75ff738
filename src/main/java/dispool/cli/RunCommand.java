package dispool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dispool run [--template T] -- CMD...}: hands out a disposable, runs CMD in it through the
 * service ({@code POST /dispvms/{name}/run}: qubes.VMExec, no shell, as {@code qvm-run --no-shell}),
 * prints its output, removes the disposable, and exits with CMD's exit status.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a command in a preloaded disposable, print its output, remove the disposable.",
            "  dispool run --template web-dvm -- ls -l /",
            "The exit status is the command's (124: it outlived --timeout). On the simulator the run is simulated."})
class RunCommand extends ServiceCommand {

    @Option(names = "--template", paramLabel = "TEMPLATE", converter = QubeName.class,
            description = "The DVM template (default: the global default_dispvm).")
    String template;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long the command may run, 1 to 3600 s. Default ${DEFAULT-VALUE}.")
    int timeoutSeconds;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments (after --).")
    List<String> command;

    /** The reply comes after the command ran: the hand-out's bound plus the command's timeout. */
    @Override
    java.time.Duration readTimeout() {
        return HAND_OUT_TIMEOUT.plusSeconds(Math.max(0, timeoutSeconds));
    }

    @Override
    int run(ServiceClient client) {
        String name = HandoutCommand.name(HandoutCommand.handOut(this, client, template));
        try {
            ObjectNode body = object().put("timeoutSeconds", timeoutSeconds);
            command.forEach(body.putArray("command")::add);
            JsonNode r = expect(client, "POST", "/api/v1/dispvms/" + name + "/run", body);
            out().print(r.path("output").asText());
            out().flush();
            return r.path("exitStatus").asInt();
        } finally {
            expect(client, "DELETE", "/api/v1/dispvms/" + name, null);
        }
    }
}
