package dispool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dispool.chaos.ChaosPlan;
import dispool.chaos.ChaosReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dispool chaos --json FILE} writes the report it prints, so recorded figures keep their raw data. */
class ChaosJsonTest {

    @TempDir
    Path dir;

    @Test
    void aReportReadsBackAsTheSameReport() throws Exception {
        ChaosReport report = new ChaosReport(ChaosPlan.everyFault(100, 4, 2), 1234, Map.of("hand-out", 60L, "removal", 40L),
                Map.of("start:fail", 3L), 20, 30, Map.of("BUSY", 10L), 12.5, 120, 7, 99, 0,
                List.of("handed out twice: disp1 (creation 1)"));
        Path file = dir.resolve("report.json");
        ChaosCommand.JSON.writeValue(file.toFile(), report);
        assertEquals(report, ChaosCommand.JSON.readValue(file.toFile(), ChaosReport.class));
        assertEquals(report.plan().restartOutage().toString(), ChaosCommand.JSON.readTree(file.toFile())
                .path("plan").path("restartOutage").asText(), "a Duration as ISO-8601, not seconds");
    }

    @Test
    void theCommandWritesItsRunsReport() throws Exception {
        Path file = dir.resolve("chaos.json");
        int exit = new CommandLine(new ChaosCommand()).execute("--operations", "60", "--templates", "2", "--seed", "3",
                "--json", file.toString());
        JsonNode report = ChaosCommand.JSON.readTree(file.toFile());
        assertEquals(60, report.path("plan").path("operations").asInt());
        assertEquals(3, report.path("plan").path("seed").asInt());
        assertEquals(exit == 0, report.path("violations").isEmpty(), "the exit status says what the violations say");
    }
}
