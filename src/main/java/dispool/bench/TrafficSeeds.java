package dispool.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * The traffic scenarios over several seeds: each seed draws its own arrivals and its own simulated
 * boot times, and every policy of a seed sees the same ones. One seed is an anecdote (two policies
 * on the same requests still land on different boot draws); the worst of five is a claim. Runs go
 * {@code jobs} at once: a simulated host at a time scale mostly sleeps, so several share the CPUs
 * (more slow the engine's own work, which the time scale multiplies into host time).
 */
public final class TrafficSeeds {

    /** A scenario of one seed and how to make a fresh host for it under a policy. */
    public record Planned(Traffic traffic, Function<String, EngineTarget> target) {
    }

    /** One run: the seed it drew and its result. */
    public record Seeded(long seed, TrafficResult result) {

        public String scenario() {
            return result.traffic().name();
        }

        public String policy() {
            return result.policy();
        }
    }

    private TrafficSeeds() {
    }

    /**
     * Runs every scenario of every seed under every policy, {@code jobs} at once, and returns the
     * results in scenario order, then policy order (the first is the baseline), then seed.
     */
    public static List<Seeded> run(LongFunction<List<Planned>> scenarios, List<Long> seeds, List<String> policies,
            TrafficRunner runner, int jobs, PrintStream log) {
        List<String> order = new ArrayList<>();
        List<Future<Seeded>> runs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        try {
            for (long seed : seeds) {
                for (Planned p : scenarios.apply(seed)) {
                    if (!order.contains(p.traffic().name())) {
                        order.add(p.traffic().name());
                    }
                    for (String policy : policies) {
                        runs.add(pool.submit(() -> run(variant(p, policy), seed, policy, runner, log)));
                    }
                }
            }
            List<Seeded> results = new ArrayList<>();
            for (Future<Seeded> f : runs) {
                results.add(join(f));
            }
            results.sort(Comparator.<Seeded>comparingInt(s -> order.indexOf(s.scenario()))
                    .thenComparingInt(s -> policies.indexOf(s.policy())).thenComparingLong(Seeded::seed));
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A policy as the table names it: {@code qubes}, or {@code qubes@3}, the policy at another
     * {@code preload-dispvm-max} on every template (a fixed pool at the memory another policy holds).
     */
    public static String policyOf(String variant) {
        int at = variant.indexOf('@');
        return at < 0 ? variant : variant.substring(0, at);
    }

    /** The max of a variant ({@code qubes@3}: 3), or -1 when it names none. */
    public static int maxOf(String variant) {
        int at = variant.indexOf('@');
        try {
            return at < 0 ? -1 : Integer.parseInt(variant.substring(at + 1));
        } catch (NumberFormatException e) {
            return -2;
        }
    }

    private static Planned variant(Planned p, String variant) {
        int max = maxOf(variant);
        return max < 0 ? p : new Planned(p.traffic().withMax(variant, max), policy -> p.target().apply(policyOf(policy)));
    }

    private static Seeded run(Planned p, long seed, String policy, TrafficRunner runner, PrintStream log) {
        TrafficResult r = runner.run(p.traffic(), policy, () -> made(p, policy)).result();
        log.printf(Locale.ROOT, "%s under %s, seed %d: %d requests, mean %.0f ms, p95 %.0f ms, ready/wait/cold %d/%d/%d, "
                + "%.0f MiB·s%n", p.traffic().name(), policy, seed, r.samples().size(), r.stats().mean(), r.stats().p95(),
                r.ready(), r.waited(), r.cold(), r.mibSeconds());
        return new Seeded(seed, r);
    }

    /**
     * Hosts and engines are made one at a time: an engine's first event subscription sets up
     * Mutiny's context propagation, which refuses to be set up twice at once.
     */
    private static synchronized EngineTarget made(Planned p, String policy) {
        return p.target().apply(policy);
    }

    private static Seeded join(Future<Seeded> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the traffic scenarios ran", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }
}
