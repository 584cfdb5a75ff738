package dispool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dispool handout [TEMPLATE]}: takes a disposable (preloaded when one is ready) and prints its name. */
@Command(name = "handout", mixinStandardHelpOptions = true,
        description = {"Hand out a running disposable of TEMPLATE (default: the global default_dispvm) and print its name.",
            "Remove it with: dispool rm NAME"})
class HandoutCommand extends ServiceCommand {

    @Parameters(arity = "0..1", paramLabel = "TEMPLATE", converter = QubeName.class, description = "The DVM template.")
    String template;

    @Option(names = "--format", defaultValue = "name", description = "name (the disposable's name) or json (name,"
            + " template, preloaded, timings). Default ${DEFAULT-VALUE}.")
    Format format;

    enum Format { name, json }

    @Override
    int run(ServiceClient client) {
        JsonNode h = handOut(this, client, template);
        out().println(format == Format.json ? JsonText.pretty(h) : name(h));
        return 0;
    }

    @Override
    java.time.Duration readTimeout() {
        return HAND_OUT_TIMEOUT;
    }

    static JsonNode handOut(ServiceCommand cmd, ServiceClient client, String template) {
        return cmd.expect(client, "POST", template == null ? "/api/v1/dispvms" : "/api/v1/pools/" + template + "/dispvms", null);
    }

    /** The disposable's name from a hand-out reply, checked as a qube name before it goes into a path. */
    static String name(JsonNode handOut) {
        String name = field(handOut, "name").asText();
        if (!name.matches("[A-Za-z][A-Za-z0-9_.-]{0,30}")) {
            throw new ServiceClient.Failed("the service handed out '" + shorten(name) + "', which is not a qube name");
        }
        return name;
    }
}
