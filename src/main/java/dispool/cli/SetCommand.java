package dispool.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dispool set TEMPLATE max N} / {@code dispool set --global KEY VALUE}: writes the Qubes
 * feature behind the key, as {@code qvm-features} would. Values go to the service as written,
 * so its refusal names the feature, the value and the rule.
 */
@Command(name = "set", mixinStandardHelpOptions = true,
        description = {"Set a pool's max (the template's preload-dispvm-max) or a global knob.",
            "  dispool set web-dvm max 2",
            "  dispool set --global threshold 1000   (dom0's preload-dispvm-threshold, MiB)",
            "  dispool set --global delay 3          (dom0's preload-dispvm-delay, seconds)",
            "  dispool set --global max 1            (dom0's preload-dispvm-max: the default_dispvm's pool)",
            "  dispool set --global default-dispvm web-dvm"})
class SetCommand extends ServiceCommand {

    @Option(names = "--global", description = "Set one of dom0's knobs instead of a pool's max.")
    boolean global;

    @Parameters(paramLabel = "WORD", arity = "0..3", description = "TEMPLATE max VALUE, or with --global KEY VALUE.")
    List<String> words = List.of();

    @Override
    int run(ServiceClient client) {
        Scope scope = Scope.of(spec, global, words, 2, 2, "KEY VALUE");
        String key = scope.rest().get(0);
        String value = scope.rest().get(1);
        ObjectNode body = object();
        if (scope.global()) {
            body.put(Keys.field(spec, Keys.GLOBAL_SETTABLE, key), value);
            expect(client, "PUT", "/api/v1/settings", body);
        } else {
            Keys.field(spec, Map.of("max", "max"), key);
            body.put("max", value);
            expect(client, "PUT", scope.poolPath(), body);
        }
        return 0;
    }
}
