package dispool.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dispool.bench.BurstChart;
import dispool.bench.BurstLog;
import dispool.bench.EngineTarget;
import dispool.bench.QemuTarget;
import dispool.bench.QemuTrafficScenarios;
import dispool.bench.Traffic;
import dispool.bench.TrafficAdvice;
import dispool.bench.TrafficChart;
import dispool.bench.TrafficResult;
import dispool.bench.TrafficRunner;
import dispool.bench.TrafficScenarios;
import dispool.bench.TrafficSeeds;
import dispool.bench.TrafficSeedsTable;
import dispool.bench.TrafficTable;
import dispool.pool.RefillPolicies;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dispool bench traffic}: the traffic scenarios (steady, Qubes' bursts, two templates
 * competing for memory, a day-like trace) once per refill policy on an in-process host (the
 * simulator, or real QEMU micro-VMs with {@code --host qemu}), with the same seed, memory and
 * requests for each policy.
 */
@Command(name = "traffic", mixinStandardHelpOptions = true,
        description = {"Run traffic scenarios once per refill policy on an embedded host: steady Poisson "
                + "arrivals, Qubes' bursts (12 requests, 4 in flight), two templates competing for memory (demand 3:1, "
                + "memory for 4 preloads), and a day-like trace (quiet, then bursts). With --host qemu: the same shapes "
                + "scaled down to real QEMU micro-VMs (192 MiB guests, minutes of real time per policy).",
            "Prints mean / p95 request-to-usable, cold-fallback rate and memory held by preloads (MiB·s) per policy; "
                + "writes traffic.json, traffic.png and traffic.svg, and the day-like run's advice drawn in "
                + "advice-day-like.png and .svg."})
public class BenchTrafficCommand implements Callable<Integer> {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Option(names = "--policy", paramLabel = "NAME,...", split = ",", description = "Refill policies to compare, the "
            + "first is the baseline; with --seeds, NAME@MAX runs one at another preload-dispvm-max (qubes@3: a fixed pool "
            + "at the memory another policy holds). Default: qubes,adaptive.")
    List<String> policies = new ArrayList<>(List.of(RefillPolicies.QUBES, RefillPolicies.ADAPTIVE));

    @Option(names = "--scenario", paramLabel = "NAME,...", split = ",", description = "Scenarios to run: steady, bursts, "
            + "two-templates, day-like, ramp. Default: all.")
    List<String> scenarios = new ArrayList<>();

    @Option(names = "--host", paramLabel = "sim|qemu", description = "The simulator (sim) or real QEMU micro-VMs on "
            + "this machine (qemu; real time, the guest of deploy/qemu/build-guest.sh in --guest-dir). "
            + "Default: ${DEFAULT-VALUE}.")
    String host = "sim";

    @Option(names = "--guest-dir", description = "With --host qemu: the built guest. Default: ${DEFAULT-VALUE}.")
    Path guestDir = Path.of(System.getProperty("user.home"), ".cache", "dispool", "guest");

    @Option(names = "--time-scale", description = "Simulator: how much faster than real time the simulated host runs. "
            + "Default: ${DEFAULT-VALUE}.")
    double timeScale = 100;

    @Option(names = "--seed", description = "Seed of the arrivals and the simulator's latencies. Default: ${DEFAULT-VALUE}.")
    long seed = 42;

    @Option(names = "--seeds", description = "Simulator: run every scenario with this many seeds (--seed, --seed + 1, "
            + "...) and print the table over all of them with each policy's worst seed. Default: ${DEFAULT-VALUE}.")
    int seeds = 1;

    @Option(names = "--jobs", description = "With --seeds: runs at once (each a simulated host that mostly sleeps; more "
            + "than the CPUs slows the engine's own work, which the time scale multiplies). Default: ${DEFAULT-VALUE}.")
    int jobs = 1;

    @Option(names = "--miss-target", description = "Simulator: live advice on the day-like trace, highest share of "
            + "requests that may find no ready preload. Default: ${DEFAULT-VALUE}.")
    double missTarget = 0.01;

    @Option(names = {"-o", "--out"}, description = "Directory for traffic.json, traffic.png and traffic.svg. "
            + "Default: dispool-traffic-<UTC time>.")
    Path out;

    /** The QEMU host's accelerator and why, from the first host made. */
    private String accelerator;

    /**
     * A scenario to run and how to make a fresh host for it under a policy.
     *
     * @param sim the simulator's case (its live advice is replayed on the simulator), absent on QEMU
     */
    private record Planned(Traffic traffic, Function<String, EngineTarget> target, Optional<TrafficScenarios.Case> sim) {
    }

    @Override
    public Integer call() throws IOException {
        check();
        if (seeds > 1) {
            return seeds();
        }
        List<Planned> planned = chosen(host.equals("qemu") ? qemuCases() : simCases());
        double loadBefore = loadAverage();
        List<TrafficResult> results = new ArrayList<>();
        List<String> advice = new ArrayList<>();
        List<BurstLog.Row> bursts = new ArrayList<>();
        Path dir = out != null ? out : Path.of("dispool-traffic-" + STAMP.format(Instant.now()));
        Files.createDirectories(dir);
        TrafficRunner runner = new TrafficRunner(host.equals("qemu") ? QemuTrafficScenarios.WARM_UP : Duration.ofSeconds(60));
        for (Planned p : planned) {
            for (String policy : policies) {
                System.err.printf(Locale.ROOT, "%s under %s (%d requests over %d s of host time)...%n", p.traffic().name(),
                        policy, p.traffic().arrivals().size(), p.traffic().spanMs() / 1000);
                TrafficRunner.Run run = runner.run(p.traffic(), policy, () -> p.target().apply(policy));
                TrafficResult r = run.result();
                results.add(r);
                bursts.addAll(run.bursts());
                if (p.traffic().name().equals("day-like") && policy.equals(RefillPolicies.QUBES) && p.sim().isPresent()) {
                    advice.addAll(TrafficAdvice.adviseAndReplay(run, p.sim().get(), runner, timeScale, seed, missTarget,
                            dir));
                }
                System.err.printf(Locale.ROOT, "  mean %.0f ms, p95 %.0f ms, ready/wait/cold %d/%d/%d, %.0f MiB·s, held %s%n",
                        r.stats().mean(), r.stats().p95(), r.ready(), r.waited(), r.cold(), r.mibSeconds(), r.heldMean());
            }
        }
        String measuredBy = host.equals("qemu") ? qemuHost(loadBefore) : simHost();
        report(measuredBy, results, dir, System.out);
        if (!bursts.isEmpty()) {
            BurstLog.writeCsv(bursts, dir);
            BurstChart.write(measuredBy, bursts, dir);
            System.out.println("Wrote the pool at each burst's start: " + dir.resolve("bursts.csv") + ", bursts.png");
        }
        advice.forEach(System.out::println);
        return 0;
    }

    private void check() {
        for (String p : policies) {
            boolean variant = TrafficSeeds.maxOf(p) != -1;
            if (!RefillPolicies.NAMES.contains(TrafficSeeds.policyOf(p)) || variant && (seeds < 2 || TrafficSeeds.maxOf(p) < 0)) {
                throw new ParameterException(spec.commandLine(), "--policy '" + p + "' refused: must be one of "
                        + RefillPolicies.NAMES + ", with --seeds 2 or more also NAME@MAX (e.g. qubes@3: at preload-dispvm-max 3)");
            }
        }
        if (!(timeScale > 0 && timeScale <= 1_000)) {
            throw new ParameterException(spec.commandLine(), "--time-scale '" + timeScale + "' refused: must be > 0 and "
                    + "<= 1000 (faster, and the engine's own CPU time distorts host time)");
        }
        if (!host.equals("sim") && !host.equals("qemu")) {
            throw new ParameterException(spec.commandLine(), "--host '" + host + "' refused: must be sim or qemu");
        }
        if (seeds < 1 || seeds > 100 || jobs < 1 || jobs > 64) {
            throw new ParameterException(spec.commandLine(), "--seeds " + seeds + " / --jobs " + jobs + " refused: "
                    + "--seeds must be 1 to 100, --jobs 1 to 64");
        }
        if (seeds > 1 && host.equals("qemu")) {
            throw new ParameterException(spec.commandLine(), "--seeds " + seeds + " refused with --host qemu: real "
                    + "guests run in real time, one seed at a time (run the command once per --seed)");
        }
        if (host.equals("qemu")) {
            try {
                QemuTarget.requireGuest(guestDir);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--guest-dir '" + guestDir + "' refused: " + e.getMessage());
            }
        }
    }

    /** The scenarios over --seeds seeds on the simulator, --jobs at once: the table over all of them. */
    private int seeds() throws IOException {
        Path dir = out != null ? out : Path.of("dispool-traffic-" + STAMP.format(Instant.now()));
        Files.createDirectories(dir);
        List<Long> all = java.util.stream.LongStream.range(seed, seed + seeds).boxed().toList();
        long began = System.nanoTime();
        double loadBefore = loadAverage();
        List<TrafficSeeds.Seeded> results = TrafficSeeds.run(s -> chosen(simCases(s)).stream()
                .map(p -> new TrafficSeeds.Planned(p.traffic(), p.target())).toList(), all, policies,
                new TrafficRunner(Duration.ofSeconds(60)), jobs, System.err);
        String measuredBy = simHost() + String.format(Locale.ROOT, ", %d at once, %.0f s of wall time, load average "
                + "%.1f at the start and %.1f at the end", jobs, (System.nanoTime() - began) / 1e9, loadBefore, loadAverage());
        TrafficSeedsTable.print(measuredBy, results, System.out);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("traffic.json").toFile(),
                results);
        TrafficChart.write(measuredBy + " (seed " + seed + ")", results.stream().filter(r -> r.seed() == seed)
                .map(TrafficSeeds.Seeded::result).toList(), dir.resolve("traffic.png"), dir.resolve("traffic.svg"));
        System.out.println();
        System.out.println("Wrote " + dir.resolve("traffic.json") + " (every seed), traffic.png, traffic.svg (seed " + seed
                + ")");
        return 0;
    }

    private List<Planned> simCases() {
        return simCases(seed);
    }

    private List<Planned> simCases(long seed) {
        return TrafficScenarios.standard(seed).stream().map(c -> new Planned(c.traffic(),
                policy -> c.target(timeScale, seed, policy), Optional.of(c))).toList();
    }

    /** QEMU cases; the first host made names the accelerator for the table's header. */
    private List<Planned> qemuCases() {
        return QemuTrafficScenarios.standard(seed).stream().map(c -> new Planned(c.traffic(), policy -> {
            QemuTarget t = c.target(guestDir, policy);
            if (accelerator == null) {
                accelerator = t.accelerator();
            }
            return t;
        }, Optional.<TrafficScenarios.Case>empty())).toList();
    }

    private String simHost() {
        return String.format(Locale.ROOT, "embedded simulator (latency model calibrated on Qubes' fedora-42-xfce "
                + "figures), time scale %s, seed %d, preload-dispvm-delay %s s", timeScale, seed,
                TrafficScenarios.QUBES_DELAY_SECONDS);
    }

    private String qemuHost(double loadBefore) {
        return String.format(Locale.ROOT, "QEMU micro-VMs on this machine, accelerator %s, %d CPUs, %d MiB guests "
                + "(Debian cloud kernel + busybox initramfs + qcow2 overlay), preload-dispvm-delay %.0f s, %d s to fill "
                + "first, load average %.1f at the start and %.1f at the end", accelerator,
                Runtime.getRuntime().availableProcessors(), QemuTrafficScenarios.GUEST_MIB,
                TrafficScenarios.QUBES_DELAY_SECONDS, QemuTrafficScenarios.WARM_UP.toSeconds(), loadBefore, loadAverage());
    }

    /** This machine's load average over the last minute. */
    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private List<Planned> chosen(List<Planned> all) {
        if (scenarios.isEmpty()) {
            return all;
        }
        List<Planned> chosen = new ArrayList<>();
        for (String name : scenarios) {
            chosen.add(all.stream().filter(c -> c.traffic().name().equals(name)).findFirst()
                    .orElseThrow(() -> new ParameterException(spec.commandLine(), "--scenario '" + name + "' refused: must "
                            + "be one of " + all.stream().map(c -> c.traffic().name()).toList())));
        }
        return chosen;
    }
    private void report(String measuredBy, List<TrafficResult> results, Path dir, PrintStream stdout) throws IOException {
        TrafficTable.print(measuredBy, results, stdout);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("traffic.json").toFile(),
                results);
        TrafficChart.write(measuredBy, results, dir.resolve("traffic.png"), dir.resolve("traffic.svg"));
        stdout.println();
        stdout.println("Wrote " + dir.resolve("traffic.json") + ", traffic.png, traffic.svg");
    }
}
