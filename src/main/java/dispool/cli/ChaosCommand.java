package dispool.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dispool.chaos.ChaosPlan;
import dispool.chaos.ChaosReport;
import dispool.chaos.ChaosRun;
import dispool.chaos.LoadRun;
import dispool.chaos.SoakPlan;
import dispool.chaos.SoakReport;
import dispool.chaos.SoakRun;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dispool chaos}: a long chaos run on an embedded simulator (see {@link ChaosRun}). Exits 0
 * when no invariant was broken, 1 otherwise; a failing seed belongs in {@code ChaosTest}.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"Hand out, remove and change knobs across several DVM templates on an embedded simulator while "
                + "faults fire, then check with faults off: nothing handed out twice, before ready or outdated, no "
                + "leaked qube, max and threshold kept, every pool refilled within a bound.",
            "Prints operations, faults by kind, hand-outs preloaded / cold / refused and the time to refill.",
            "With --load: hand out and remove against a running service (--url) with --in-flight requests at once; "
                + "prints hand-out latency percentiles, answers by HTTP code and, with --pid, the service's RSS and threads."})
public class ChaosCommand implements Callable<Integer> {

    @Option(names = {"-n", "--operations"}, description = "Operations in all. Default: ${DEFAULT-VALUE}.")
    int operations = 10_000;

    @Option(names = "--seed", description = "Seed of the simulator and the callers' choices. Default: ${DEFAULT-VALUE}.")
    long seed = 1;

    @Option(names = "--templates", description = "DVM templates (1 to 10). Default: 6 (--soak: 10).")
    void templates(int n) {
        templates = n;
        templatesGiven = true;
    }

    int templates = 6;
    boolean templatesGiven;

    @Option(names = "--callers", description = "Operations in flight at once. Default: ${DEFAULT-VALUE}.")
    int callers = 8;

    @Option(names = "--time-scale", description = "Simulated time per wall time. Default: ${DEFAULT-VALUE}.")
    double timeScale = 1000;

    @Option(names = "--create-fail", description = "Probability a create fails. Default: ${DEFAULT-VALUE}.")
    double createFail = 0.05;

    @Option(names = "--start-fail", description = "Probability a start fails. Default: ${DEFAULT-VALUE}.")
    double startFail = 0.05;

    @Option(names = "--readiness-timeout", description = "Probability qubes.WaitForRunningSystem times out. "
            + "Default: ${DEFAULT-VALUE}.")
    double readinessTimeout = 0.03;

    @Option(names = "--pause-fail", description = "Probability a pause, unpause or kill fails. Default: ${DEFAULT-VALUE}.")
    double pauseFail = 0.1;

    @Option(names = "--slow", description = "Latency factor of create, start and the readiness call (1: off). "
            + "Default: ${DEFAULT-VALUE}.")
    double slow = 3;

    @Option(names = "--stream-cut-every", description = "Cut the event streams every N operations (0: never). "
            + "Default: ${DEFAULT-VALUE}.")
    int streamCutEvery = 400;

    @Option(names = "--restart-every", description = "Restart qubesd every N operations: streams cut, calls refused "
            + "for --restart-outage (0: never). Default: ${DEFAULT-VALUE}.")
    int restartEvery = 1500;

    @Option(names = "--restart-outage", description = "How long a qubesd restart refuses calls, in host seconds. "
            + "Default: ${DEFAULT-VALUE}.")
    int restartOutageSeconds = 20;

    @Option(names = "--memory-every", description = "Other qubes take --memory-taken MiB, or give it back, every N "
            + "operations (0: never). Default: ${DEFAULT-VALUE}.")
    int memoryEvery = 300;

    @Option(names = "--memory-taken", description = "MiB other qubes take. Default: ${DEFAULT-VALUE}.")
    long memoryTaken = 6000;

    @Option(names = "--json", paramLabel = "FILE", description = "A chaos run: also write its report to FILE as JSON "
            + "(the figures docs/benchmarks keeps beside the printed report).")
    Path json;

    @Option(names = "--soak", description = "Instead of a chaos run: a soak, day-like traffic for --hours simulated "
            + "hours on --templates templates (default 10) with every fault kind on, sampling RSS, heap after GC, threads, "
            + "open fds and the timer queue every simulated hour; fails on a violation, a leak or an upward trend.")
    boolean soak;

    @Option(names = "--hours", description = "--soak: simulated hours. Default: ${DEFAULT-VALUE} (a week).")
    int hours = 168;

    @Option(names = "--soak-scale", description = "--soak: simulated time per wall time. Default: ${DEFAULT-VALUE} "
            + "(a week in 14.4 minutes).")
    double soakScale = 700;

    @Option(names = "--load", description = "Instead of a chaos run: load against the running service at --url.")
    boolean load;

    @Option(names = "--url", description = "The service for --load. Default: ${DEFAULT-VALUE}.")
    URI url = URI.create("http://127.0.0.1:8080/");

    @Option(names = "--in-flight", description = "--load: requests in flight at once. Default: ${DEFAULT-VALUE}.")
    int inFlight = 64;

    @Option(names = "--seconds", description = "--load: how long, in seconds. Default: ${DEFAULT-VALUE}.")
    int seconds = 180;

    @Option(names = "--load-template", paramLabel = "NAME", description = "--load: a DVM template to hand out from "
            + "(repeatable, taken in turn). Default: default-dvm.")
    List<String> loadTemplates = new ArrayList<>(List.of("default-dvm"));

    @Option(names = "--think-ms", description = "--load: each caller's pause after removing its disposable, ms. "
            + "Default: ${DEFAULT-VALUE}.")
    long thinkMs;

    @Option(names = "--pid", description = "--load: the service's process id, to sample its RSS and threads.")
    Long pid;

    @Option(names = "--token-file", description = "--load: the API token to send, if the file exists. "
            + "Default: $DISPOOL_TOKEN_FILE or ~/.config/dispool/api-token.")
    Path tokenFile = Path.of(Optional.ofNullable(System.getenv("DISPOOL_TOKEN_FILE"))
            .orElse(System.getProperty("user.home") + "/.config/dispool/api-token"));

    @Override
    public Integer call() throws InterruptedException, IOException {
        if (load) {
            new LoadRun(url, loadTemplates, inFlight, Duration.ofSeconds(seconds), Optional.ofNullable(pid),
                    Duration.ofSeconds(10), Optional.of(tokenFile), Duration.ofMillis(thinkMs)).run(System.out);
            return 0;
        }
        if (soak) {
            SoakPlan week = SoakPlan.week(seed);
            SoakReport report = new SoakRun(new SoakPlan(hours, templatesGiven ? templates : week.templates(), soakScale,
                    seed, week.peakPerHour())).run();
            report.print(System.out);
            if (json != null) {
                JSON.writeValue(json.toFile(), report);
            }
            return report.passed() ? 0 : 1;
        }
        if (templates < 1 || templates > 10) {
            throw new IllegalArgumentException("--templates " + templates + " refused: from 1 to 10");
        }
        ChaosReport report = new ChaosRun(new ChaosPlan(operations, seed, templates, callers, timeScale, createFail,
                startFail, readinessTimeout, pauseFail, slow, streamCutEvery, restartEvery,
                Duration.ofSeconds(restartOutageSeconds), memoryEvery, memoryTaken)).run();
        report.print(System.out);
        if (json != null) {
            JSON.writeValue(json.toFile(), report);
        }
        return report.passed() ? 0 : 1;
    }

    /** How --json writes a report; the plan holds a Duration, which jackson-datatype-jsr310 writes as ISO-8601. */
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
}
