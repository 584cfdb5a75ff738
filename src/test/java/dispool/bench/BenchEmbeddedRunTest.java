package dispool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.cli.BenchCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The whole command on its embedded simulator, fast: 2 requests per scenario at time scale 100. */
class BenchEmbeddedRunTest {

    @TempDir
    Path dir;

    @Test
    void anEmbeddedRunPrintsTheTablesWritesEveryFileAndPreloadedIsFarFasterThanCold() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new BenchCommand()).execute("-n", "2", "--sweep", "3", "--time-scale", "100",
                    "--seed", "5", "--no-progress", "--compare", "-t", "web-dvm:400:0.9", "-o", dir.toString());
        } finally {
            System.setOut(stdout);
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, out);
        assertTrue(out.contains("Measured by: embedded simulator"), out);
        assertTrue(out.contains("time scale 100, seed 5"), out);
        assertTrue(out.contains("dom0-dispvm-preload-concurrent-api"), out);
        assertTrue(out.contains("nv56-mem32: 6.47 / 7.00 / 6.97 / 7.52"), out);
        assertTrue(out.contains("Recommendation: qvm-features web-dvm preload-dispvm-max"), out);
        for (String f : new String[] {"results.json", "results.csv", "latency.png", "latency.svg"}) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        BenchRun run = ResultFiles.readJson(dir.resolve("results.json"));
        double cold = run.results().get(0).stats().median();
        double preloaded = run.results().get(1).stats().median();
        assertEquals("dom0-dispvm-preload-api", run.results().get(1).scenario().name());
        assertTrue(preloaded * 20 < cold, "preloaded " + preloaded + " ms vs cold " + cold + " ms");
    }

    @Test
    void badOptionsNameTheOptionTheValueAndTheRule() {
        assertEquals("--iterations '0' refused: must be from 1 to 10000", refusal("-n", "0"));
        assertEquals("--sweep '2,x' refused: must be distinct maxes from 1 to 100, comma-separated (e.g. 2,3,5,6), or empty",
                refusal("--sweep", "2,x"));
        assertEquals("--template 'web-dvm:12' refused: must be NAME[:MiB[:BOOT]], a qube name, MiB from 100 to 65536, "
                + "BOOT from 0.1 to 10", refusal("-t", "web-dvm:12"));
        assertEquals("--time-scale '0.0' refused: must be > 0 and <= 100000", refusal("--time-scale", "0"));
    }

    private static String refusal(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand()).setErr(new PrintWriter(err));
        assertEquals(2, cl.execute(args));
        return err.toString().lines().findFirst().orElse("");
    }
}
