package dispool.cli;

import dispool.bench.Sample;
import dispool.bench.Scenario;
import dispool.bench.ScenarioRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on standard error over all requests of a bench, naming the scenario running;
 * drawn only when standard error is a terminal (a log or a pipe gets none), at a fixed width (the
 * library's own width detection gave 1–4 characters where it found no terminal size).
 */
final class BenchProgress implements ScenarioRunner.Progress, AutoCloseable {

    private final ProgressBar bar;

    private BenchProgress(ProgressBar bar) {
        this.bar = bar;
    }

    /** Characters of a line: room for the bar, the counts and the scenario's name. */
    static final int WIDTH = 100;

    static BenchProgress open(boolean show, List<Scenario> scenarios) {
        if (!show || !stderrIsTerminal()) {
            return new BenchProgress(null);
        }
        long total = scenarios.stream().mapToLong(Scenario::iterations).sum();
        return new BenchProgress(new ProgressBarBuilder().setTaskName("bench").setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err, WIDTH))
                .setUpdateIntervalMillis(100).build());
    }

    /** On Linux, where file descriptor 2 leads; elsewhere, whether the JVM has a console. */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
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
