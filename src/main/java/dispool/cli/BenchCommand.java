package dispool.cli;

import dispool.app.ApiToken;
import dispool.bench.Advice;
import dispool.bench.BenchRun;
import dispool.bench.BenchTarget;
import dispool.bench.CompareTable;
import dispool.bench.DistributionChart;
import dispool.bench.EmbeddedTarget;
import dispool.bench.QemuTarget;
import dispool.bench.RestTarget;
import dispool.bench.ResultFiles;
import dispool.bench.RunInfo;
import dispool.bench.Scenario;
import dispool.bench.ScenarioRunner;
import dispool.bench.SummaryTable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dispool bench}: cold against preloaded disposables, per template, in Qubes' own test
 * cases, on an embedded simulator or against a running service. Prints a summary table, writes
 * JSON, CSV and a latency chart, optionally Qubes' published figures beside ours, and advice on
 * preload-dispvm-max.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure cold vs preloaded disposables in Qubes' test cases (dom0-dispvm-api, "
                + "dom0-dispvm-preload-api, -concurrent-, the preload-max sweep) and advise on preload-dispvm-max.",
            "Without --url it runs an embedded simulated host (seconds of wall time) or, with --host qemu, real QEMU "
                + "micro-VMs; with --url it drives a running dispool service."},
        subcommands = BenchTrafficCommand.class)
public class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", description = "A running dispool service to drive, e.g. "
            + "http://127.0.0.1:8080 (its API token is read from $DISPOOL_TOKEN_FILE, default "
            + "~/.config/dispool/api-token). Default: an embedded simulator.")
    URI url;

    @Option(names = {"-t", "--template"}, paramLabel = "NAME[:MiB[:BOOT]]", description = "DVM template to bench; "
            + "repeatable. The embedded simulator creates it with MiB of memory (default 400) and BOOT times the "
            + "Fedora-XFCE boot time (default 1.0; Whonix ~1.75). Default: default-dvm.")
    List<String> templates = new ArrayList<>(List.of("default-dvm"));

    @Option(names = {"-n", "--iterations"}, description = "Requests per scenario (Qubes: 12). Default: ${DEFAULT-VALUE}.")
    int iterations = 12;

    @Option(names = "--preload-max", description = "preload-dispvm-max of the preload scenarios (Qubes: 4). "
            + "Default: ${DEFAULT-VALUE}.")
    int preloadMax = 4;

    @Option(names = "--in-flight", description = "Requests in flight in the concurrent scenarios (Qubes: 4). "
            + "Default: ${DEFAULT-VALUE}.")
    int inFlight = 4;

    @Option(names = "--sweep", paramLabel = "N,N,...", description = "Maxes of the sweep dom0-dispvm-preload-N-api "
            + "(Qubes: 2..6; 4 is dom0-dispvm-preload-api); empty for none. Default: ${DEFAULT-VALUE}.")
    String sweep = "2,3,5,6";

    @Option(names = "--host", paramLabel = "sim|qemu", description = "Embedded: the simulator (sim) or real QEMU "
            + "micro-VMs on this machine (qemu; real time, the guest of deploy/qemu/build-guest.sh in --guest-dir). "
            + "Default: ${DEFAULT-VALUE}.")
    String host = "sim";

    @Option(names = "--guest-dir", description = "With --host qemu: the built guest. Default: ${DEFAULT-VALUE}.")
    Path guestDir = Path.of(System.getProperty("user.home"), ".cache", "dispool", "guest");

    @Option(names = "--time-scale", description = "Embedded: how much faster than real time the simulated host runs. "
            + "Each microsecond of dispool's own CPU time then counts as that many of host time. Default: ${DEFAULT-VALUE}.")
    double timeScale = 50;

    @Option(names = "--seed", description = "Embedded: seed of the simulator's latencies. Default: ${DEFAULT-VALUE}.")
    long seed = 42;

    @Option(names = "--host-memory-mib", description = "Embedded: the simulated host's memory. Default: ${DEFAULT-VALUE}.")
    long hostMemoryMiB = 16_000;

    @Option(names = "--refill-delay", description = "Embedded: preload-dispvm-delay in seconds (Qubes' figures "
            + "predate it, i.e. 0). Default: ${DEFAULT-VALUE}.")
    double refillDelay = 0;

    @Option(names = "--settle-timeout", description = "Seconds of host time a pool may take to fill or empty "
            + "before a scenario. Default: ${DEFAULT-VALUE}.")
    long settleTimeoutSeconds = 600;

    @Option(names = "--miss-target", description = "Advice: highest share of requests that may find no ready preload. "
            + "Default: ${DEFAULT-VALUE}.")
    double missTarget = 0.01;

    @Option(names = {"-o", "--out"}, description = "Directory for results.json, results.csv, latency.png and "
            + "latency.svg. Default: dispool-bench-<UTC time>.")
    Path out;

    @Option(names = "--compare", description = "Also print Qubes' published figures beside ours.")
    boolean compare;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws IOException {
        BenchOptions options = BenchOptions.check(this, spec.commandLine());
        PrintStream stdout = System.out;
        try (BenchTarget target = target(options)) {
            List<Scenario> scenarios = new ArrayList<>();
            options.templates().forEach(t -> scenarios.addAll(Scenario.standard(t.name(), iterations, preloadMax, inFlight,
                    options.sweep())));
            BenchRun run;
            try (BenchProgress progress = BenchProgress.open(!noProgress, scenarios)) {
                ScenarioRunner runner = new ScenarioRunner(target, Duration.ofSeconds(settleTimeoutSeconds),
                        Duration.ofMillis(url == null ? 2 : 50), progress);
                run = BenchRun.execute(target, RunInfo.collect(target, iterations), runner, scenarios);
            }
            report(run, target, options.out(), stdout);
        }
        return 0;
    }

    private BenchTarget target(BenchOptions options) {
        if (url != null) {
            return new RestTarget(url, Duration.ofMinutes(5), ApiToken.forClients());
        }
        if (host.equals("qemu")) {
            return new QemuTarget(options.templates(), refillDelay, guestDir);
        }
        return new EmbeddedTarget(timeScale, seed, hostMemoryMiB, options.templates(), refillDelay);
    }

    private void report(BenchRun run, BenchTarget target, Path dir, PrintStream stdout) throws IOException {
        Files.createDirectories(dir);
        SummaryTable.print(run, stdout);
        if (target instanceof QemuTarget q) {
            q.report(run, dir, stdout);
        }
        if (compare) {
            stdout.println();
            CompareTable.print(run, stdout);
        }
        stdout.println();
        stdout.println("Advice (preload-dispvm-max, at most " + (missTarget * 100) + "% of requests finding no ready preload):");
        for (String template : run.templates()) {
            BenchTarget.PoolState pool = target.pool(template);
            Advice.explain(run, template, missTarget, pool.delaySeconds(), pool.memoryMiB()).forEach(stdout::println);
        }
        ResultFiles.writeJson(run, dir.resolve("results.json"));
        ResultFiles.writeCsv(run, dir.resolve("results.csv"));
        DistributionChart.write(run, dir.resolve("latency.png"), dir.resolve("latency.svg"));
        stdout.println();
        stdout.println("Wrote " + dir.resolve("results.json") + ", results.csv, latency.png, latency.svg");
    }
}
