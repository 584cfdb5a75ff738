package dispool.cli;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code dispool advice} against the running test service. */
@QuarkusTest
class AdviceCommandTest {

    @TestHTTPResource("/")
    URL service;

    @Test
    void printsTheReasonsAndTheQvmFeaturesLinePerTemplate() {
        Response r = given().post("/api/v1/pools/web-dvm/dispvms");
        r.then().statusCode(201);
        given().delete("/api/v1/dispvms/" + r.jsonPath().getString("name")).then().statusCode(204);

        StringWriter out = new StringWriter();
        int code = run(out, "web-dvm", "--miss-target", "0.05");
        assertEquals(0, code, out.toString());
        assertTrue(out.toString().startsWith("web-dvm: preload-dispvm-max now "), out.toString());
        assertTrue(out.toString().contains("  Served: "), out.toString());
        assertTrue(out.toString().contains("\nqvm-features web-dvm preload-dispvm-max "), out.toString());

        StringWriter all = new StringWriter();
        assertEquals(0, run(all));
        for (String t : new String[] {"default-dvm", "web-dvm", "whonix-dvm"}) {
            assertTrue(all.toString().contains(t + ": preload-dispvm-max now "), all.toString());
        }
    }

    @Test
    void anUnknownTemplateIsAUsageErrorNamingIt() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new AdviceCommand());
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("--url", base(), "--token-file", RunningService.tokenFile().toString(), "no-such-dvm"));
        assertTrue(err.toString().contains("no-such-dvm"), err.toString());
    }

    private int run(StringWriter out, String... args) {
        CommandLine cl = new CommandLine(new AdviceCommand());
        cl.setOut(new PrintWriter(out));
        String[] all = new String[args.length + 4];
        all[0] = "--url";
        all[1] = base();
        all[2] = "--token-file";
        all[3] = RunningService.tokenFile().toString();
        System.arraycopy(args, 0, all, 4, args.length);
        return cl.execute(all);
    }

    private String base() {
        String s = service.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
