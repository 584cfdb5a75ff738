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
        out().println(format == Format.json ? h.toPrettyString() : h.get("name").asText());
        return 0;
    }

    static JsonNode handOut(ServiceCommand cmd, ServiceClient client, String template) {
        return cmd.expect(client, "POST", template == null ? "/api/v1/dispvms" : "/api/v1/pools/" + template + "/dispvms", null);
    }
}
