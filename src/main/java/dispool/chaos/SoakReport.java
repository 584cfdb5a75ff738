package dispool.chaos;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A soak's figures: one row per simulated day, the hourly samples, a {@link Trend} per sampled
 * figure (fitted after the first tenth of the run: JIT, class loading and the pools' first fill),
 * the faults fired by kind, leaked qubes and every invariant violation seen. It passes with no
 * violation, no leak, and every trend flat.
 */
public record SoakReport(SoakPlan plan, long wallMillis, List<ProcessSample> samples, List<Day> days,
        List<Trend> trends, Map<String, Long> hostFaults, long leaked, List<String> violations) {

    /** One simulated day: hand-outs, refusals, faults (host and injected), and the process's figures (means; queue max). */
    public record Day(int day, long preloaded, long cold, long refused, long faults, double rssMiB, double heapMiB,
            double threads, double fds, int queueMax) {
    }

    public boolean passed() {
        return violations.isEmpty() && leaked == 0 && trends.stream().allMatch(Trend::flat);
    }

    static List<Trend> trends(List<ProcessSample> samples) {
        List<ProcessSample> fitted = samples.subList(Math.min(samples.size(), Math.max(1, samples.size() / 10)), samples.size());
        List<Trend> out = new ArrayList<>();
        out.add(trend("RSS MiB", fitted, s -> s.rssKiB() / 1024.0, 8));
        out.add(trend("heap after GC MiB", fitted, s -> s.heapAfterGcKiB() / 1024.0, 2));
        out.add(trend("threads", fitted, ProcessSample::threads, 2));
        out.add(trend("open fds", fitted, ProcessSample::fds, 4));
        out.add(trend("timer queue", fitted, ProcessSample::timersQueued, 8));
        return out;
    }

    private static Trend trend(String name, List<ProcessSample> samples, ToDoubleFunction<ProcessSample> figure, double floor) {
        List<double[]> points = new ArrayList<>();
        samples.forEach(s -> points.add(new double[] {s.hour(), figure.applyAsDouble(s)}));
        return Trend.of(name, points, floor);
    }

    public void print(PrintStream out) {
        out.printf("soak: seed %d, %d simulated hours, %d templates, time scale %.0f, %.1f min wall, every fault kind on%n",
                plan.seed(), plan.hours(), plan.templates(), plan.timeScale(), wallMillis / 60_000.0);
        out.println("| day | hand-outs preloaded | cold | refused | faults | RSS MiB | heap after GC MiB | threads | fds | timer queue max |");
        out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Day d : days) {
            out.printf("| %d | %d | %d | %d | %d | %.0f | %.1f | %.0f | %.0f | %d |%n", d.day(), d.preloaded(), d.cold(),
                    d.refused(), d.faults(), d.rssMiB(), d.heapMiB(), d.threads(), d.fds(), d.queueMax());
        }
        out.println("trends over the samples after the first tenth (rise = least-squares slope × span; flat when "
                + "rise ≤ max(3 standard errors × span, mean/10, floor)):");
        for (Trend t : trends) {
            out.printf("  %-18s mean %9.1f  rise %8.2f  limit %8.2f  %s%n", t.name(), t.mean(), t.rise(), t.limit(),
                    t.flat() ? "flat" : "GROWS");
        }
        out.println("  host faults by kind " + hostFaults);
        out.printf("  leaked qubes %d, invariant violations %d%n", leaked, violations.size());
        violations.stream().limit(20).forEach(v -> out.println("    " + v));
        out.println(passed() ? "soak passed" : "soak FAILED");
    }
}
