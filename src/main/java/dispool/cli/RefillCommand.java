package dispool.cli;

import picocli.CommandLine.Command;

/** {@code dispool refill}: the pools fill again after {@code dispool drain}. */
@Command(name = "refill", mixinStandardHelpOptions = true, description = "Refill the pools after dispool drain.")
class RefillCommand extends ServiceCommand {

    @Override
    int run(ServiceClient client) {
        expect(client, "POST", "/api/v1/host/resume", null);
        return 0;
    }
}
