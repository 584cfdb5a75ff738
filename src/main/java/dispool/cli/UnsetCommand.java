package dispool.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dispool unset TEMPLATE max} / {@code dispool unset --global max}: removes the feature, as {@code qvm-features --unset}. */
@Command(name = "unset", mixinStandardHelpOptions = true,
        description = {"Remove a pool's max (its pool empties, unless dom0's max governs the template) or dom0's max.",
            "  dispool unset web-dvm max", "  dispool unset --global max"})
class UnsetCommand extends ServiceCommand {

    @Option(names = "--global", description = "Remove dom0's preload-dispvm-max instead of a template's.")
    boolean global;

    @Parameters(paramLabel = "WORD", arity = "0..2", description = "TEMPLATE max, or with --global max.")
    List<String> words = List.of();

    @Override
    int run(ServiceClient client) {
        Scope scope = Scope.of(spec, global, words, 1, 1, "max");
        Keys.field(spec, Map.of("max", "max"), scope.rest().get(0));
        if (scope.global()) {
            expect(client, "PUT", "/api/v1/settings", object().putNull("globalMax"));
        } else {
            expect(client, "DELETE", scope.poolPath(), null);
        }
        return 0;
    }
}
