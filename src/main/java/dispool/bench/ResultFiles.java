package dispool.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Writes a run as JSON (everything: run info, scenarios, stats, samples) and as CSV (one row per request). */
public final class ResultFiles {

    static final String CSV_HEADER = "scenario,template,preload_max,in_flight,iteration,disposable,path,"
            + "usable_after_ms,client_ms,remove_ms,start_ms";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultFiles() {
    }

    public static void writeJson(BenchRun run, Path file) throws IOException {
        JSON.writeValue(file.toFile(), run);
    }

    public static BenchRun readJson(Path file) throws IOException {
        return JSON.readValue(file.toFile(), BenchRun.class);
    }

    public static void writeCsv(BenchRun run, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(CSV_HEADER + "\n");
            for (ScenarioResult r : run.results()) {
                Scenario s = r.scenario();
                for (Sample x : r.samples()) {
                    w.write(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%s,%s,%.1f,%.1f,%.1f,%.1f%n", s.name(), s.template(),
                            s.preloadMax(), s.inFlight(), x.iteration(), x.name(), x.path(), x.usableAfterMs(),
                            x.clientMs(), x.removeMs(), x.startMs()));
                }
            }
        }
    }
}
