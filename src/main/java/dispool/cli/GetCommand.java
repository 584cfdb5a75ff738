package dispool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dispool get TEMPLATE [KEY]} / {@code dispool get dom0 [KEY]}, as qvm-features reads. */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = {"Show a pool (every key, one a line) or one key's value; dom0 (or --global) for the global knobs.",
            "Pool keys: max, max-source, threshold, delay, memory, preload-memory, ready, starting, preloads, last-failure,"
                + " failures, retry-in-ms, warning, policy.",
            "preload-memory: MiB the paused preloads hold now; preloads: NAME:STATE, and :MIB for a paused one.",
            "Global keys (dom0): max, threshold, delay, default-dispvm, available, available-source.",
            "Qubes' names work too: preload-dispvm-max, preload-dispvm-threshold, preload-dispvm-delay,"
                + " preload-dispvm-x-dispool-policy, default_dispvm.",
            "  dispool get web-dvm preload-dispvm-max", "  dispool get dom0 preload-dispvm-threshold"})
class GetCommand extends ServiceCommand {

    @Option(names = "--global", description = "dom0's knobs and the global default_dispvm instead of a pool (as: dispool get dom0).")
    boolean global;

    @Parameters(paramLabel = "TEMPLATE|KEY", arity = "0..2", description = "TEMPLATE [KEY], or dom0 [KEY].")
    List<String> words = List.of();

    @Override
    int run(ServiceClient client) {
        Scope scope = Scope.of(spec, global, words, 0, 1, "[KEY]");
        Map<String, String> keys = scope.global() ? Keys.GLOBAL : Keys.POOL;
        String field = scope.rest().isEmpty() ? null : Keys.field(spec, keys, scope.rest().get(0));
        JsonNode view = expect(client, "GET", scope.global() ? "/api/v1/settings" : scope.poolPath(), null);
        if (field != null) {
            out().println(Keys.text(view.get(field)));
            return 0;
        }
        int width = keys.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        keys.forEach((k, f) -> out().println(String.format("%-" + width + "s%s", k, Keys.text(view.get(f))).stripTrailing()));
        return 0;
    }
}
