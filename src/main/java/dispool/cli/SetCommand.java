package dispool.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dispool set TEMPLATE KEY VALUE} / {@code dispool set dom0 KEY VALUE}: writes the Qubes
 * feature behind the key, as {@code qvm-features} would. Values go to the service as written,
 * so its refusal names the feature, the value and the rule.
 */
@Command(name = "set", mixinStandardHelpOptions = true,
        description = {"Set a pool's max (the template's preload-dispvm-max) or refill policy"
                + " (preload-dispvm-x-dispool-policy),"
                + " or a global knob (dom0, or --global).",
            "  dispool set web-dvm max 2                  (or: preload-dispvm-max 2)",
            "  dispool set web-dvm policy adaptive        (or: preload-dispvm-x-dispool-policy adaptive)",
            "  dispool set dom0 threshold 1000            (dom0's preload-dispvm-threshold, MiB)",
            "  dispool set dom0 delay 3                   (dom0's preload-dispvm-delay, seconds)",
            "  dispool set dom0 max 1                     (dom0's preload-dispvm-max: the default_dispvm's pool)",
            "  dispool set dom0 default-dispvm web-dvm"})
class SetCommand extends ServiceCommand {

    @Option(names = "--global", description = "Set one of dom0's knobs instead of a pool's (as: dispool set dom0).")
    boolean global;

    @Parameters(paramLabel = "WORD", arity = "0..3", description = "TEMPLATE KEY VALUE, or dom0 KEY VALUE.")
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
            body.put(Keys.field(spec, Keys.POOL_SETTABLE, key), value);
            expect(client, "PUT", scope.poolPath(), body);
        }
        return 0;
    }
}
