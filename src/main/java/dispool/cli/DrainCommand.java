package dispool.cli;

import picocli.CommandLine.Command;

/** {@code dispool drain}: every pool is emptied and stays empty until {@code dispool refill}. */
@Command(name = "drain", mixinStandardHelpOptions = true,
        description = {"Remove every preload and stop refilling (as before the host sleeps).", "Undo with: dispool refill"})
class DrainCommand extends ServiceCommand {

    /** A drain waits for every preload's removal. */
    @Override
    java.time.Duration readTimeout() {
        return HAND_OUT_TIMEOUT;
    }

    @Override
    int run(ServiceClient client) {
        out().println("drained " + expect(client, "POST", "/api/v1/host/suspend", null).path("pools").asInt() + " pools");
        return 0;
    }
}
