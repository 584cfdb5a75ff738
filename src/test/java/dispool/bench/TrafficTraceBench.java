package dispool.bench;

import dispool.pool.PoolView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Where a policy holds less than its max on a traffic scenario, and what each request that found
 * no ready preload met: the pool (free preloads, want, reason code) sampled every host second
 * beside the run, per seed. A tool, not a check (it prints; tagged {@code bench}):
 * {@code mvn -B -o test -Dbench.excluded=none -Dtest=TrafficTraceBench -Dtrace.scenario=steady
 * -Dtrace.policy=adaptive -Dtrace.seeds=42,43,44,45,46}; {@code -Dtrace.timeline=true} adds every change of
 * reason or want with its host second.
 */
@Tag("bench")
class TrafficTraceBench {

    /** The pool at one host second of the run (from the scenario's start). */
    record Tick(long atMs, int ready, int starting, int want, String reason, String decision) {

        int free() {
            return ready + starting;
        }

        Tick from(long startMs) {
            return new Tick(atMs - startMs, ready, starting, want, reason, decision);
        }
    }

    @Test
    void trace() {
        String scenario = System.getProperty("trace.scenario", "steady");
        String policy = System.getProperty("trace.policy", "adaptive");
        double timeScale = Double.parseDouble(System.getProperty("trace.time-scale", "100"));
        for (String s : System.getProperty("trace.seeds", "42").split(",")) {
            long seed = Long.parseLong(s.trim());
            TrafficScenarios.Case c = TrafficScenarios.standard(seed).stream()
                    .filter(k -> k.traffic().name().equals(scenario)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                            "no scenario " + scenario + ": steady, bursts, two-templates, day-like, ramp"));
            print(scenario, policy, seed, c, timeScale);
        }
    }

    private static void print(String scenario, String policy, long seed, TrafficScenarios.Case c, double timeScale) {
        Duration warmUp = Duration.ofSeconds(60);
        String template = c.traffic().maxes().keySet().stream().sorted().findFirst().orElseThrow();
        List<Tick> ticks = java.util.Collections.synchronizedList(new ArrayList<>());
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        TrafficRunner.Run run;
        try {
            run = new TrafficRunner(warmUp).run(c.traffic(), policy, () -> {
                EmbeddedTarget t = c.target(timeScale, seed, policy);
                sampler.scheduleAtFixedRate(() -> tick(t, template, ticks), 0, (long) (1e9 / timeScale),
                        TimeUnit.NANOSECONDS);
                return t;
            });
        } finally {
            sampler.shutdownNow();
        }
        TrafficResult r = run.result();
        int max = r.maxes().get(template);
        Map<String, Integer> seconds = new TreeMap<>();
        int below = 0;
        // ticks in the host time the samples count from: the first request's due time, after the warm-up and the engine's start
        List<Tick> sampled = ticks.stream().map(k -> k.from(run.startHostMs())).filter(k -> k.atMs() >= 0).toList();
        for (Tick k : sampled) {
            seconds.merge(k.reason() + " want " + k.want(), 1, Integer::sum);
            below += k.free() < max ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "%n%s under %s, seed %d: mean %.0f ms, p95 %.0f ms, ready/wait/cold %d/%d/%d, "
                + "%.0f MiB·s; %d of %d s with fewer than %d free%n", scenario, policy, seed, r.stats().mean(),
                r.stats().p95(), r.ready(), r.waited(), r.cold(), r.mibSeconds(), below, sampled.size(), max);
        seconds.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %5d s  %s%n", v, k));
        for (Sample m : r.samples()) {
            if (!m.path().equals(Sample.READY)) {
                Tick at = before(sampled, (long) m.startMs());
                System.out.printf(Locale.ROOT, "  request %d at %.0f s %s %.0f ms: %s%n", m.iteration(), m.startMs() / 1000,
                        m.path(), m.usableAfterMs(), at == null ? "before the first tick" : String.format(Locale.ROOT,
                                "ready %d + starting %d, want %d, %s (%s)", at.ready(), at.starting(), at.want(), at.reason(),
                                at.decision()));
            }
        }
        if (Boolean.getBoolean("trace.timeline")) {
            timeline(sampled);
        }
    }

    /** Every change of reason or want, with its host second and words: when each rule took over. */
    private static void timeline(List<Tick> run) {
        Tick last = null;
        for (Tick k : run) {
            if (last == null || k.want() != last.want() || !java.util.Objects.equals(k.reason(), last.reason())) {
                System.out.printf(Locale.ROOT, "  at %4d s  want %d, %s (%s)%n", k.atMs() / 1000, k.want(), k.reason(),
                        k.decision());
            }
            last = k;
        }
    }

    private static void tick(EmbeddedTarget t, String template, List<Tick> ticks) {
        try {
            PoolView v = t.view(template);
            ticks.add(new Tick(t.hostMillis(), v.ready(), v.starting(), v.want(), v.reasonCode(), v.decision()));
        } catch (RuntimeException closed) {
            // the run closed the engine before the sampler was stopped: nothing more to sample
        }
    }

    /** The last tick at or before {@code atMs}: the pool the request met (to a host second). */
    private static Tick before(List<Tick> ticks, long atMs) {
        Tick last = null;
        for (Tick k : ticks) {
            if (k.atMs() > atMs) {
                break;
            }
            last = k;
        }
        return last;
    }
}
