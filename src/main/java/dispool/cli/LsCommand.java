package dispool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dispool ls}: one line per pool, as qvm-ls lists qubes. */
@Command(name = "ls", mixinStandardHelpOptions = true, description = "List the pools: one line per DVM template.")
class LsCommand extends ServiceCommand {

    enum Format { text, json }

    private static final String[] COLUMNS = {"TEMPLATE", "MAX", "SOURCE", "READY", "STARTING", "MEMORY", "LAST-FAILURE"};

    @Option(names = "--format", defaultValue = "text", description = "text (a table) or json (the service's answer). Default ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = "--raw-list", description = "Only the template names, one a line (as qvm-ls --raw-list).")
    boolean rawList;

    @Override
    int run(ServiceClient client) {
        JsonNode pools = array(expect(client, "GET", "/api/v1/pools", null));
        if (rawList) {
            pools.forEach(p -> out().println(field(p, "template").asText()));
        } else if (format == Format.json) {
            out().println(JsonText.pretty(pools));
        } else {
            table(pools);
        }
        return 0;
    }

    private void table(JsonNode pools) {
        List<String[]> rows = new ArrayList<>();
        rows.add(COLUMNS);
        for (JsonNode p : pools) {
            rows.add(new String[] {field(p, "template").asText(), field(p, "max").asText(), field(p, "maxSource").asText(),
                field(p, "ready").asText(), field(p, "starting").asText(), field(p, "memoryMiB").asText() + " MiB",
                p.hasNonNull("lastFailure") ? p.get("lastFailure").asText() : "-"});
        }
        int[] width = new int[COLUMNS.length];
        rows.forEach(r -> {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        });
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i == r.length - 1 ? r[i] : String.format("%-" + (width[i] + 2) + "s", r[i]));
            }
            out().println(line.toString().stripTrailing());
        }
    }
}
