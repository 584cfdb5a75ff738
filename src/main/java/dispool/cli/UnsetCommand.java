package dispool.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dispool unset TEMPLATE KEY} / {@code dispool unset dom0 max}: removes the feature, as {@code qvm-features --unset}. */
@Command(name = "unset", mixinStandardHelpOptions = true,
        description = {"Remove a pool's max (its pool empties, unless dom0's max governs the template) or its refill"
                + " policy (the service's default applies), or dom0's max.",
            "  dispool unset web-dvm max        (or: preload-dispvm-max)",
            "  dispool unset web-dvm policy     (or: preload-dispvm-x-dispool-policy)",
            "  dispool unset dom0 max"})
class UnsetCommand extends ServiceCommand {

    @Option(names = "--global", description = "Remove dom0's preload-dispvm-max instead of a template's (as: dispool unset dom0 max).")
    boolean global;

    @Parameters(paramLabel = "WORD", arity = "0..2", description = "TEMPLATE KEY, or dom0 max.")
    List<String> words = List.of();

    @Override
    int run(ServiceClient client) {
        Scope scope = Scope.of(spec, global, words, 1, 1, "max");
        if (scope.global()) {
            Keys.field(spec, Map.of("max", "max"), scope.rest().get(0));
            expect(client, "PUT", "/api/v1/settings", object().putNull("globalMax"));
        } else if (Keys.field(spec, Keys.POOL_SETTABLE, scope.rest().get(0)).equals("max")) {
            expect(client, "DELETE", scope.poolPath(), null);
        } else {
            expect(client, "PUT", scope.poolPath(), object().putNull("policy"));
        }
        return 0;
    }
}
