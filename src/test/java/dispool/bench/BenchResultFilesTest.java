package dispool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchResultFilesTest {

    @TempDir
    Path dir;

    @Test
    void csvHasAHeaderAndOneRowPerRequest() throws Exception {
        Path csv = dir.resolve("r.csv");
        ResultFiles.writeCsv(BenchFixtures.run(), csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(ResultFiles.CSV_HEADER, lines.get(0));
        assertEquals(1 + 36, lines.size());
        assertEquals("dom0-dispvm-api,web-dvm,0,1,0,disp0,cold,7000.0,7000.0,1000.0,0.0", lines.get(1));
        assertEquals("dom0-dispvm-preload-api,web-dvm,4,1,0,disp0,ready,25.0,25.0,975.0,0.0", lines.get(13));
    }

    @Test
    void jsonKeepsTheWholeRunAndReadsBackEqual() throws Exception {
        Path json = dir.resolve("r.json");
        BenchRun run = BenchFixtures.run();
        ResultFiles.writeJson(run, json);
        String text = Files.readString(json);
        assertTrue(text.contains("\"name\" : \"dom0-dispvm-preload-concurrent-api\""), text);
        assertTrue(text.contains("\"median\" : 7000.0"), text);
        assertEquals(run, ResultFiles.readJson(json));
    }

    @Test
    void theChartIsWrittenAsPngAndSvg() throws Exception {
        DistributionChart.write(BenchFixtures.run(), dir.resolve("c.png"), dir.resolve("c.svg"));
        byte[] png = Files.readAllBytes(dir.resolve("c.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        String svg = Files.readString(dir.resolve("c.svg"));
        assertTrue(svg.contains("<svg"), svg.substring(0, 80));
        assertTrue(svg.contains("dom0-dispvm-preload-concurrent-api"));
    }
}
