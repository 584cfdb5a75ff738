package dispool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dispool.cli.top.TopModel;
import dispool.cli.top.TopScreen;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dispool top}: the pools live in the terminal, updated from the service's event stream
 * (no polling: the pools are read at the start and after each burst of events). On a terminal it
 * runs full screen until {@code q} ({@link TopSession}); with stdout not a terminal it prints one
 * snapshot and exits, so {@code dispool top | less} and scripts get the same picture once.
 */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = {"Show every DVM template's pool live: preload-dispvm-max and where it comes from, the refill "
                + "policy and its last decision, ready / starting / handed out against the max, memory held by preloads "
                + "against available and preload-dispvm-threshold, hand-outs in the last minute and hour (ready, after a "
                + "wait, cold), request to usable, the advised max; the newest events below.",
            "Keys: up/down or j/k select a DVM template, s sort, + / - change its preload-dispvm-max (confirm with y), "
                + "d drain / r refill every pool (confirm with y), q quit.",
            "Without a terminal on stdout: prints one snapshot and exits. NO_COLOR set: no colours."})
public class TopCommand extends ServiceCommand {

    @Option(names = "--width", paramLabel = "COLUMNS", description = "Columns of the snapshot printed without a terminal "
            + "(env COLUMNS, default ${DEFAULT-VALUE}).", defaultValue = "${env:COLUMNS:-100}")
    int width;

    /** {@code dispool top} on its own (the test under tmux starts it so); the dispool command registers it too. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new TopCommand()).execute(args));
    }

    @Override
    int run(ServiceClient client) {
        TopModel model = new TopModel();
        double timeScale = expect(client, "GET", "/api/v1/host", null).path("timeScale").asDouble(1);
        refresh(client, model);
        advise(client, model);
        if (!onTerminal()) {
            snapshot(client, model);
            return 0;
        }
        try (TopSession session = new TopSession(this, client, model, timeScale, colour())) {
            return session.run();
        } catch (IOException e) {
            throw new Refused("cannot use this terminal (" + e.getMessage() + "): run dispool top in a terminal, "
                    + "or pipe it (dispool top | cat) for one snapshot", REFUSED);
        }
    }

    private void snapshot(ServiceClient client, TopModel model) {
        int rows = 2 + 4 * Math.max(1, model.rows(0).size()) + 1 + 2; // header, pools, status, the events' least
        new TopScreen(false).plain(model, new TopScreen.Frame(client.where(), null, List.of()), Math.max(60, width), rows)
                .forEach(out()::println);
        out().flush();
    }

    /**
     * Whether stdin and stdout are a terminal. Java 17's console exists only then; from Java 22 on
     * it exists anyway and says so in {@code isTerminal()}, read by reflection to build on 17.
     */
    static boolean onTerminal() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException before22) {
            return true;
        }
    }

    /** Colours unless {@code NO_COLOR} is set to anything but empty (no-color.org). */
    static boolean colour() {
        String no = System.getenv("NO_COLOR");
        return no == null || no.isEmpty();
    }

    /** Reads every pool again. */
    void refresh(ServiceClient client, TopModel model) {
        model.pools(expect(client, "GET", "/api/v1/pools", null));
    }

    /** Reads each pool's advised max (a replay of its history on the service: done at the start and now and then). */
    void advise(ServiceClient client, TopModel model) {
        for (TopModel.Row r : model.rows(0)) {
            JsonNode a = expect(client, "GET", "/api/v1/pools/" + r.template() + "/advice", null);
            model.advised(r.template(), a.path("recommendedMax").isNumber() ? a.get("recommendedMax").asInt() : null);
        }
    }

    /** Sets the selected pool's max through the same API as {@code dispool set}. */
    void setMax(ServiceClient client, String template, int max) {
        expect(client, "PUT", "/api/v1/pools/" + template, object().put("max", max));
    }

    void drain(ServiceClient client) {
        expect(client, "POST", "/api/v1/host/suspend", null);
    }

    void refill(ServiceClient client) {
        expect(client, "POST", "/api/v1/host/resume", null);
    }
}
