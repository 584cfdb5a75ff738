package dispool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dispool.host.QubesException;
import dispool.host.QubesHost;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every {@code dispool} command, run in-process through picocli against the running service of
 * the test profile (sim host: default-dvm preloads 2, web-dvm and whonix-dvm none), with the
 * exit code, stdout and stderr a user would see; then the bad-input table.
 */
@QuarkusTest
class CliTest {

    @Inject
    QubesHost host;

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result dispool(String... args) {
        return dispoolAt(RunningService.url(), args);
    }

    static Result dispoolAt(String url, String... args) {
        List<String> all = new ArrayList<>();
        all.add(args[0]);
        all.addAll(List.of("--url", url, "--token-file", RunningService.tokenFile().toString()));
        all.addAll(List.of(args).subList(1, args.length));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = ClientMain.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        int code = cl.execute(all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void lsListsOnePoolPerLineAsTableJsonAndRawList() throws Exception {
        RunningService.awaitReady("default-dvm", 2);
        Result table = dispool("ls");
        assertEquals(0, table.code(), table.err());
        String[] lines = table.out().split("\n");
        assertTrue(lines[0].startsWith("TEMPLATE") && lines[0].contains("READY"), table.out());
        assertTrue(table.out().lines().anyMatch(l -> l.matches("default-dvm\\s+2\\s+LOCAL\\s+2\\s+0\\s+.*")), table.out());
        Result raw = dispool("ls", "--raw-list");
        assertEquals(List.of("default-dvm", "web-dvm", "whonix-dvm"), raw.out().lines().sorted().toList());
        JsonNode json = new ObjectMapper().readTree(dispool("ls", "--format", "json").out());
        assertTrue(json.isArray() && json.size() == 3, json.toString());
    }

    @Test
    void getShowsEveryKeyOrOneValue() {
        RunningService.awaitReady("default-dvm", 2);
        Result all = dispool("get", "default-dvm");
        assertEquals(0, all.code(), all.err());
        assertTrue(all.out().contains("max-source  LOCAL") || all.out().matches("(?s).*max-source\\s+LOCAL.*"), all.out());
        assertTrue(all.out().matches("(?s).*preloads\\s+disp\\d+:READY:\\d+ disp\\d+:READY:\\d+.*"), all.out());
        assertEquals("2\n", dispool("get", "default-dvm", "max").out());
        Result global = dispool("get", "--global", "default-dispvm");
        assertEquals("default-dvm\n", global.out(), global.err());
    }

    @Test
    void setAndUnsetWriteTheFeatures() {
        assertEquals(0, dispool("set", "whonix-dvm", "max", "1").code());
        assertEquals("1\n", dispool("get", "whonix-dvm", "max").out());
        assertEquals("LOCAL\n", dispool("get", "whonix-dvm", "max-source").out());
        assertEquals(0, dispool("unset", "whonix-dvm", "max").code());
        assertEquals("0\n", dispool("get", "whonix-dvm", "max").out());
        String before = dispool("get", "--global", "threshold").out();
        assertEquals(0, dispool("set", "--global", "threshold", "1234").code());
        assertEquals("1234\n", dispool("get", "--global", "threshold").out());
        assertEquals(0, dispool("set", "--global", "threshold", before.strip()).code());
        assertEquals(0, dispool("set", "--global", "max", "2").code());
        assertEquals("2\n", dispool("get", "--global", "max").out());
        assertEquals(0, dispool("unset", "--global", "max").code());
        assertEquals("-\n", dispool("get", "--global", "max").out());
    }

    /** Qubes' own names, and dom0 as the global target, as qvm-features takes them. */
    @Test
    void qubesFeatureNamesAndDom0AsTheGlobalTarget() {
        assertEquals(0, dispool("set", "whonix-dvm", "preload-dispvm-max", "1").code());
        assertEquals("1\n", dispool("get", "whonix-dvm", "preload-dispvm-max").out());
        assertEquals(0, dispool("unset", "whonix-dvm", "preload-dispvm-max").code());
        assertEquals("0\n", dispool("get", "whonix-dvm", "max").out());
        assertEquals(0, dispool("set", "whonix-dvm", "preload-dispvm-x-dispool-policy", "adaptive").code());
        assertEquals("adaptive\n", dispool("get", "whonix-dvm", "policy").out());
        assertEquals(0, dispool("unset", "whonix-dvm", "preload-dispvm-x-dispool-policy").code());
        assertEquals("qubes\n", dispool("get", "whonix-dvm", "preload-dispvm-x-dispool-policy").out());
        String before = dispool("get", "dom0", "preload-dispvm-threshold").out();
        assertEquals(0, dispool("set", "dom0", "preload-dispvm-threshold", "1234").code());
        assertEquals("1234\n", dispool("get", "--global", "threshold").out());
        assertEquals(0, dispool("set", "dom0", "threshold", before.strip()).code());
        assertEquals("default-dvm\n", dispool("get", "dom0", "default_dispvm").out());
        assertTrue(dispool("get", "dom0").out().matches("(?s)max\\s.*threshold\\s.*default-dispvm\\s+default-dvm\n.*"));
    }

    @Test
    void handoutPrintsANameAndRmRemovesIt() {
        RunningService.awaitReady("default-dvm", 2);
        Result h = dispool("handout", "default-dvm");
        assertEquals(0, h.code(), h.err());
        String name = h.out().strip();
        assertTrue(name.matches("disp\\d+"), h.out());
        Result rm = dispool("rm", name);
        assertEquals(0, rm.code(), rm.err());
        assertThrows(QubesException.class, () -> host.qube(name));
        Result again = dispool("rm", name);
        assertTrue(again.code() != 0 && again.err().contains(name), again.err());
        RunningService.awaitReady("default-dvm", 2);
        Result json = dispool("handout", "--format", "json");
        assertTrue(json.out().contains("\"preloaded\" : true"), json.out());
        assertEquals(0, dispool("rm", json.out().replaceAll("(?s).*\"name\" : \"(disp\\d+)\".*", "$1")).code());
    }

    @Test
    void drainEmptiesThePoolsAndRefillFillsThem() {
        RunningService.awaitReady("default-dvm", 2);
        Result drain = dispool("drain");
        assertEquals(0, drain.code(), drain.err());
        assertTrue(drain.out().startsWith("drained "), drain.out());
        assertEquals("0\n", dispool("get", "default-dvm", "ready").out());
        assertEquals(0, dispool("refill").code());
        RunningService.awaitReady("default-dvm", 2);
    }

    @Test
    void runRunsTheCommandInAHandedOutDisposableThenRemovesIt() {
        RunningService.awaitReady("default-dvm", 2);
        List<String> others = handedOut(); // other tests' disposables in this shared service
        Result r = dispool("run", "--template", "default-dvm", "--", "sh", "-c", "echo 'a b'; exit 3");
        assertEquals(0, r.code(), "the simulated run succeeds: " + r.err());
        assertEquals("", r.out(), "the simulator's run has no output");
        RunningService.awaitReady("default-dvm", 2);
        assertEquals(others, handedOut(), "the disposable the command ran in is removed");
        Result bad = dispool("run", "--timeout", "0", "--", "true");
        assertEquals(1, bad.code(), bad.toString());
        assertTrue(bad.err().contains("timeoutSeconds"), bad.err());
    }

    /** Disposables on the host that are no pool's preloads. */
    private List<String> handedOut() {
        List<String> preloads = RunningService.api().get("/api/v1/pools").jsonPath().getList("preloads.flatten().name");
        return host.listQubes().stream().filter(q -> q.isDispVm() && !preloads.contains(q.name())).map(q -> q.name())
                .sorted().toList();
    }

    @Test
    void openSendsTheFileOrUrlAndRemovesTheDisposable() throws Exception {
        FakeQubes world = FakeQubes.create(dir);
        RunningService.awaitReady("default-dvm", 2);
        Path file = Files.writeString(dir.resolve("report.txt"), "draft\n");
        Result r = dispool("open", "--qrexec-client", world.bin("qrexec-client-vm").toString(),
                "--qopen-in-vm", world.bin("qopen-in-vm").toString(), file.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(file).matches("draft\nedited in disp\\d+\n"), Files.readString(file));
        RunningService.awaitReady("default-dvm", 2);
        Result url = dispool("open", "--qrexec-client", world.bin("qrexec-client-vm").toString(), "https://example.org/x");
        assertEquals(0, url.code(), url.err());
        assertTrue(world.opened().matches("(?s)disp\\d+ opened report.txt \\(edit\\)\ndisp\\d+ opened https://example.org/x\n"),
                world.opened());
    }

    @Test
    void helpEverywhereAndACompletionScript() {
        for (String cmd : List.of("ls", "get", "set", "unset", "handout", "rm", "drain", "refill", "run", "open", "advice", "top")) {
            Result help = dispool(cmd, "--help");
            assertEquals(0, help.code(), cmd);
            assertTrue(help.out().startsWith("Usage: dispool " + cmd), help.out());
            assertEquals("", help.err(), cmd + " --help warns of nothing");
            assertEquals("dispool 0.1.0\n", dispool(cmd, "-V").out(), cmd + " -V");
        }
        StringWriter out = new StringWriter();
        CommandLine cl = ClientMain.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        assertEquals(0, cl.execute("generate-completion"));
        assertTrue(out.toString().contains("complete -F") && out.toString().contains("handout"), "a bash completion script");
    }

    /** Bad input: what the user sees, and the exit code (1 refused, 2 usage or no such qube). */
    @Test
    void badInputTable() {
        Object[][] table = {
            {new String[] {"get", "no-such-dvm"}, 2, "no-such-dvm"},
            {new String[] {"get", "default-dvm", "colour"}, 2, "unknown key 'colour'"},
            {new String[] {"get", "../etc"}, 2, "is not a qube name"},
            {new String[] {"get"}, 2, "expected TEMPLATE"},
            {new String[] {"set", "web-dvm", "max", "-1"}, 1, "refused"},
            {new String[] {"set", "web-dvm", "max", "many"}, 1, "many"},
            {new String[] {"set", "web-dvm", "max", "101"}, 1, "101"},
            {new String[] {"set", "web-dvm", "min", "1"}, 2, "unknown key 'min'"},
            {new String[] {"set", "no-such-dvm", "max", "1"}, 2, "no-such-dvm"},
            {new String[] {"set", "--global", "delay", "soon"}, 1, "soon"},
            {new String[] {"set", "--global", "threshold"}, 2, "dispool set: expected dom0 KEY VALUE"},
            {new String[] {"set", "dom0", "threshold"}, 2, "dispool set: expected dom0 KEY VALUE"},
            {new String[] {"set", "web-dvm", "preload-dispvm-threshold", "1"}, 2, "or Qubes' names [preload-dispvm-max,"
                    + " preload-dispvm-x-dispool-policy]"},
            {new String[] {"set", "web-dvm", "preload-dispvm-x-dispool-policy", "greedy"}, 1, "greedy"},
            {new String[] {"lsx"}, 2, "dispool: 'lsx' is not a dispool command: one of ls, get, set,"},
            {new String[] {"unset", "--global", "threshold"}, 2, "unknown key 'threshold'"},
            {new String[] {"handout", "no-such-dvm"}, 2, "no-such-dvm"},
            {new String[] {"handout", "bad name"}, 2, "is not a qube name"},
            {new String[] {"rm", "dom0"}, 1, "forbidden: "},
            {new String[] {"handout", "debian-13-xfce"}, 1, "debian-13-xfce"},
            {new String[] {"rm"}, 2, "Missing required parameter"},
            {new String[] {"ls", "--format", "yaml"}, 2, "yaml"},
            {new String[] {"open", "/no/such/file"}, 2, "neither a file nor a URL"},
            {new String[] {"run", "--template", "default-dvm"}, 2, "Missing required parameter"},
        };
        for (Object[] row : table) {
            String[] args = (String[]) row[0];
            Result r = dispool(args);
            String what = String.join(" ", args) + " -> " + r;
            assertEquals(row[1], r.code(), what);
            assertTrue(r.err().contains((String) row[2]), what);
            assertEquals("", r.out(), what);
        }
    }

    @Test
    void theUnixSocketNeedsNoTokenAndTcpWithoutOneIsRefused() {
        String socket = Path.of(ConfigProvider.getConfig().getValue("dispool.api.socket", String.class)).toAbsolutePath().toString();
        StringWriter out = new StringWriter();
        CommandLine cl = ClientMain.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        assertEquals(0, cl.execute("ls", "--raw-list", "--socket", socket, "--token-file", dir.resolve("none").toString()));
        assertTrue(out.toString().contains("default-dvm"), out.toString());
        StringWriter err = new StringWriter();
        cl = ClientMain.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertEquals(1, cl.execute("ls", "--url", RunningService.url(), "--token-file", dir.resolve("none").toString()));
        assertTrue(err.toString().startsWith("dispool ls: no API token was sent (no token file " + dir.resolve("none"))
                && err.toString().contains("DISPOOL_TOKEN_FILE"), err.toString());
    }

    @Test
    void serviceDownSaysWhereAndWhatToDo() {
        for (String cmd : List.of("ls", "drain", "refill")) {
            Result r = dispoolAt("http://127.0.0.1:1", cmd);
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().contains("cannot reach the dispool service at http://127.0.0.1:1")
                    && r.err().contains("DISPOOL_URL"), r.err());
        }
        Result r = dispoolAt("ftp://x", "ls");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("give http://HOST:PORT"), r.err());
    }
}
