package dispool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dispool.advice.AdviceChart;
import dispool.advice.AdviceChartData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dispool advice [TEMPLATE]}: the service's live advice on preload-dispvm-max, from its
 * own hand-out history (every pool when no template is named). Prints the reasons and the
 * {@code qvm-features} line; applying it stays the user's choice.
 */
@Command(name = "advice", mixinStandardHelpOptions = true,
        description = {"Advise on preload-dispvm-max from the service's own hand-out history: demand and bursts, how "
                + "requests were served (ready / after a wait / cold), memory held by preloads, and the smallest max "
                + "whose replay of the recorded requests keeps misses under the target, with the qvm-features line.",
            "Every pool when no TEMPLATE is given."})
class AdviceCommand extends ServiceCommand {

    @Parameters(paramLabel = "TEMPLATE", arity = "0..1", converter = QubeName.class,
            description = "The DVM template. Default: every pool.")
    String template;

    @Option(names = "--miss-target", paramLabel = "SHARE", description = "Highest share of requests that may find no "
            + "ready preload, above 0 and below 1 (0.01 = 1%%). Default: the service's dispool.history.miss-target.")
    Double missTarget;

    @Option(names = "--chart", paramLabel = "FILE.png|FILE.svg", description = "Also draw the advice: requests per "
            + "time bucket with the bursts shaded, the memory preloads held, and the replay's misses for each candidate "
            + "preload-dispvm-max with the advised one marked. SVG when FILE ends in .svg, else PNG. Needs a TEMPLATE.")
    Path chart;

    @Override
    int run(ServiceClient client) {
        List<String> templates = new ArrayList<>();
        if (template != null) {
            templates.add(template);
        } else {
            array(expect(client, "GET", "/api/v1/pools", null)).forEach(p -> templates.add(field(p, "template").asText()));
        }
        String query = missTarget == null ? "" : "?miss-target=" + String.format(Locale.ROOT, "%s", missTarget);
        if (chart != null && template == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--chart draws one pool: name its TEMPLATE");
        }
        for (String t : templates) {
            JsonNode advice = expect(client, "GET", "/api/v1/pools/" + t + "/advice" + query, null);
            print(advice);
            if (chart != null) {
                draw(advice, client);
            }
        }
        return 0;
    }

    private void draw(JsonNode advice, ServiceClient client) {
        try {
            AdviceChartData data = new ObjectMapper().treeToValue(advice.get("chart"), AdviceChartData.class);
            AdviceChart.write(data, "dispool advice " + data.template() + " via " + client.where(), chart);
        } catch (IOException | IllegalArgumentException e) {
            throw new Refused("cannot write the chart " + chart + " (" + e.getMessage() + "): give a writable FILE.png "
                    + "or FILE.svg", REFUSED);
        }
        out().println("chart: " + chart);
    }

    private void print(JsonNode advice) {
        String max = advice.hasNonNull("recommendedMax") ? advice.get("recommendedMax").asText() : "-";
        out().printf(Locale.ROOT, "%s: preload-dispvm-max now %d, advised %s%n", field(advice, "template").asText(),
                field(advice, "currentMax").asInt(), max);
        field(advice, "reasons").forEach(r -> out().println("  " + r.asText()));
        if (advice.hasNonNull("command")) {
            out().println(advice.get("command").asText());
        }
    }
}
