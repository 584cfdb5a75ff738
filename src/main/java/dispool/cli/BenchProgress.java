package dispool.cli;

import dispool.bench.Sample;
import dispool.bench.Scenario;
import dispool.bench.ScenarioRunner;
import java.util.List;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on standard error over all requests of a bench, naming the scenario running. */
final class BenchProgress implements ScenarioRunner.Progress, AutoCloseable {

    private final ProgressBar bar;

    private BenchProgress(ProgressBar bar) {
        this.bar = bar;
    }

    static BenchProgress open(boolean show, List<Scenario> scenarios) {
        if (!show) {
            return new BenchProgress(null);
        }
        long total = scenarios.stream().mapToLong(Scenario::iterations).sum();
        return new BenchProgress(new ProgressBarBuilder().setTaskName("bench").setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(100).build());
    }

    @Override
    public void step(Scenario scenario, Sample sample) {
        if (bar != null) {
            bar.setExtraMessage(scenario.template() + " " + scenario.name());
            bar.step();
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
