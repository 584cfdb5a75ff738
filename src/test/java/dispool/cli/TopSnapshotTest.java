package dispool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The look commands over TCP with the token, stdout not a terminal: {@code dispool top} prints one
 * snapshot and exits, and {@code dispool advice TEMPLATE --chart} writes the chart it names.
 */
@QuarkusTest
class TopSnapshotTest {

    @TempDir
    Path dir;

    private static int run(StringWriter out, StringWriter err, Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 4];
        all[0] = "--url";
        all[1] = RunningService.url();
        all[2] = "--token-file";
        all[3] = RunningService.tokenFile().toString();
        System.arraycopy(args, 0, all, 4, args.length);
        return cl.execute(all);
    }

    @Test
    void withoutATerminalTopPrintsOneSnapshotOfEveryPoolAndExits() {
        RunningService.awaitReady("default-dvm", 2);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, run(out, err, new TopCommand(), "--width", "80"), err.toString());
        String s = out.toString();
        assertTrue(s.startsWith("dispool top · " + RunningService.url()), s);
        assertTrue(s.contains("default-dvm      max 2 (template)"), s);
        assertTrue(s.contains("[██] 2 ready 0 starting 0 handed out"), s);
        assertTrue(s.contains("whonix-dvm       max 0 (unset)"), s);
        assertFalse(s.contains("\u001b["), "no escape sequences in a snapshot:\n" + s);
        assertTrue(s.lines().allMatch(l -> l.length() <= 80), s);
    }

    @Test
    void adviceDrawsTheChartItNamesAndRefusesAChartOfEveryPool() throws Exception {
        Response r = RunningService.api().post("/api/v1/pools/default-dvm/dispvms");
        r.then().statusCode(201);
        RunningService.api().delete("/api/v1/dispvms/" + r.jsonPath().getString("name")).then().statusCode(204);
        Path svg = dir.resolve("advice.svg");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, run(out, err, new AdviceCommand(), "default-dvm", "--chart", svg.toString()), err.toString());
        assertTrue(out.toString().endsWith("chart: " + svg + System.lineSeparator()), out.toString());
        assertTrue(Files.readString(svg).contains("default-dvm: recorded demand and the memory preloads held"));
        assertEquals(2, run(new StringWriter(), err, new AdviceCommand(), "--chart", svg.toString()));
        assertTrue(err.toString().contains("--chart draws one pool: name its TEMPLATE"), err.toString());
    }
}
