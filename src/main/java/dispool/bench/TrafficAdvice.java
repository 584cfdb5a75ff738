package dispool.bench;

import dispool.advice.AdviceChart;
import dispool.advice.HistoryEntry;
import dispool.advice.LiveAdvice;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Live advice on a traffic run, checked on the engine: the advice the service would give from the
 * run's recorded hand-outs, then the same requests again on a fresh engine with the advised max,
 * and the share of them that found no ready preload there. The advice is drawn too, as
 * {@code dispool advice TEMPLATE --chart} draws it, into {@code advice-NAME.png} and {@code .svg}.
 */
public final class TrafficAdvice {

    private TrafficAdvice() {
    }

    public static List<String> adviseAndReplay(TrafficRunner.Run run, TrafficScenarios.Case c, TrafficRunner runner,
            double timeScale, long seed, double missTarget, Path chartDir) throws IOException {
        List<String> out = new ArrayList<>();
        Traffic t = c.traffic();
        String template = t.maxes().keySet().iterator().next();
        List<HistoryEntry> history = run.history().entries(template);
        LiveAdvice.Report advice = LiveAdvice.advise(template, history, run.endHistoryMs(), new LiveAdvice.Inputs(
                t.maxes().get(template), TrafficScenarios.TEMPLATE_MIB, TrafficScenarios.QUBES_DELAY_SECONDS, missTarget,
                Duration.ofSeconds(30)));
        out.add("");
        out.add("Live advice from the hand-outs recorded in " + t.name() + " under " + run.result().policy() + ":");
        advice.reasons().forEach(r -> out.add("  " + r));
        String by = String.format(Locale.ROOT, "dispool bench traffic, %s under %s: embedded simulator, time scale %s, seed %d",
                t.name(), run.result().policy(), timeScale, seed);
        for (String ext : List.of("png", "svg")) {
            AdviceChart.write(advice.chart(), by, chartDir.resolve("advice-" + t.name() + "." + ext));
        }
        out.add("  Drawn: " + chartDir.resolve("advice-" + t.name() + ".png") + " and .svg");
        if (advice.recommendedMax() == null) {
            return out;
        }
        int max = advice.recommendedMax();
        Traffic again = new Traffic(t.name() + "-advised", t.description(), t.arrivals(), t.inFlight(), Map.of(template, max));
        TrafficResult replay = runner.run(again, run.result().policy(), () -> c.target(timeScale, seed,
                run.result().policy())).result();
        out.add(String.format(Locale.ROOT, "Replayed on the engine with preload-dispvm-max %d: %d of %d requests found no "
                + "ready preload (%.1f%%, target %.1f%%); mean request to usable %.0f ms (was %.0f ms with max %d), %.0f "
                + "MiB·s (was %.0f).", max, replay.waited() + replay.cold(), replay.samples().size(),
                100 * replay.missShare(), 100 * missTarget, replay.stats().mean(), run.result().stats().mean(),
                t.maxes().get(template), replay.mibSeconds(), run.result().mibSeconds()));
        return out;
    }
}
