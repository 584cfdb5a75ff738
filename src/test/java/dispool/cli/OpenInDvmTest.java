package dispool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.QubesException;
import dispool.host.QubesHost;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Open in preloaded DisposableVM" end to end with fake qrexec tools: the app qube's
 * dispool-open-in-dvm → dom0's redirect to dispool-mgmt → deploy/qubes-rpc/dispool.OpenInVM →
 * a hand-out from this running service → qubes.OpenInVM in the disposable, the file in and the
 * edited file back → the disposable removed. Then the fallbacks to @dispvm.
 */
@QuarkusTest
class OpenInDvmTest {

    private static final Pattern OPENED_BY = Pattern.compile("dispool-mgmt (disp\\d+) qubes.Open(InVM|URL)");

    @Inject
    QubesHost host;

    @TempDir
    Path dir;

    FakeQubes world;

    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void world() throws IOException {
        world = FakeQubes.create(dir);
    }

    private Run wrapper(Map<String, String> extra, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("deploy/app-qube/dispool-open-in-dvm"));
        cmd.addAll(Arrays.asList(args));
        return run(cmd, extra);
    }

    private Run run(List<String> cmd, Map<String, String> extra) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(world.env());
        pb.environment().putAll(Map.of(
                "DISPOOL_URL", RunningService.url(),
                "DISPOOL_TOKEN_FILE", RunningService.tokenFile().toString(),
                "DISPOOL_SOCKET", "",
                "DISPOOL_DVM", "default-dvm",
                "DISPOOL_OPEN_STREAM", Path.of("deploy/app-qube/dispool-open-stream").toAbsolutePath().toString(),
                "DISPOOL_QREXEC_CLIENT_VM", world.root().resolve("bin/qrexec-client-vm").toString(),
                "DISPOOL_QREXEC_CLIENT", world.root().resolve("bin/qrexec-client-vm").toString(),
                "DISPOOL_QOPEN_IN_VM", world.root().resolve("bin/qopen-in-vm").toString(),
                "DISPOOL_QVM_OPEN_IN_DVM", world.root().resolve("bin/qvm-open-in-dvm").toString()));
        pb.environment().putAll(extra);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out, err);
    }

    private String disposableThatOpened() throws IOException {
        Matcher m = OPENED_BY.matcher(world.log());
        assertTrue(m.find(), "dispool-mgmt called into a disposable: " + world.log());
        return m.group(1);
    }

    @Test
    void aFileGoesToAPreloadAndComesBackEditedAndThePreloadIsRemoved() throws Exception {
        RunningService.awaitReady("default-dvm", 2);
        List<String> preloads = RunningService.api().get("/api/v1/pools/default-dvm").jsonPath().getList("preloads.name");
        Path file = Files.writeString(dir.resolve("invoice.pdf"), "untrusted bytes\n");
        Run r = wrapper(Map.of(), file.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err(), "no notice on the fast path");
        String disp = disposableThatOpened();
        assertTrue(preloads.contains(disp), disp + " was one of the preloads " + preloads);
        assertEquals("untrusted bytes\nedited in " + disp + "\n", Files.readString(file));
        assertEquals("work dispool-mgmt dispool.OpenInVM+default-dvm\ndispool-mgmt " + disp + " qubes.OpenInVM\n", world.log());
        assertThrows(QubesException.class, () -> host.qube(disp), "the disposable is removed when the call ends");
    }

    @Test
    void viewOnlyAndUrlsTakeTheSamePath() throws Exception {
        RunningService.awaitReady("default-dvm", 2);
        Path file = Files.writeString(dir.resolve("notes.txt"), "keep me\n");
        assertEquals(0, wrapper(Map.of(), "--view-only", "--", file.toString()).code());
        assertEquals("keep me\n", Files.readString(file));
        RunningService.awaitReady("default-dvm", 2);
        assertEquals(0, wrapper(Map.of(), "https://example.org/a?b=c&d").code());
        assertTrue(world.opened().matches("disp\\d+ opened notes.txt \\(view\\)\ndisp\\d+ opened https://example.org/a\\?b=c&d\n"),
                world.opened());
        assertFalse(world.log().contains("@dispvm") || world.log().contains("disp-cold"), world.log());
    }

    @Test
    void anEmptyPoolFallsBackToAFreshDisposableWithANotice() throws Exception {
        Path file = Files.writeString(dir.resolve("a.txt"), "x\n");
        Run r = wrapper(Map.of("DISPOOL_DVM", "web-dvm"), file.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().startsWith("dispool: the pool of web-dvm is empty: opening in a new disposable"), r.err());
        assertTrue(Files.readString(file).matches("x\nedited in disp-cold-\\d+\n"), Files.readString(file));
        assertFalse(OPENED_BY.matcher(world.log()).find(), "no preload was used: " + world.log());
    }

    @Test
    void dispoolDownOrItsQubeDownFallsBack() throws Exception {
        Path file = Files.writeString(dir.resolve("b.txt"), "y\n");
        Run down = wrapper(Map.of("DISPOOL_URL", "http://127.0.0.1:1"), file.toString());
        assertEquals(0, down.code(), down.err());
        assertTrue(down.err().startsWith("dispool: dispool is not running: opening in a new disposable"), down.err());
        world.down("dispool-mgmt");
        Run qubeDown = wrapper(Map.of(), "https://example.org/");
        assertEquals(0, qubeDown.code(), qubeDown.err());
        assertTrue(qubeDown.err().startsWith("dispool: dispool is not reachable: opening in a new disposable"), qubeDown.err());
        assertTrue(world.opened().matches("disp-cold-\\d+ opened b.txt \\(edit\\)\ndisp-cold-\\d+ opened https://example.org/\n"),
                world.opened());
    }

    @Test
    void usageAndExitCodesAsQvmOpenInDvm() throws Exception {
        assertEquals(2, wrapper(Map.of()).code());
        assertEquals(0, wrapper(Map.of(), "--help").code());
        assertEquals(2, wrapper(Map.of(), "--bogus", "x").code());
        assertEquals(2, wrapper(Map.of(), dir.toString()).code());
        Run notAFile = wrapper(Map.of(), "no-such-file");
        assertEquals(2, notAFile.code());
        assertTrue(notAFile.out().contains("is not a valid file or URL"), notAFile.out());
        assertEquals("", world.log(), "nothing was called");
    }

    @Test
    void aBadTemplateArgumentNeverReachesTheService() throws Exception {
        for (String arg : List.of("", "../x", "a b", "web-dvm;rm", "x".repeat(32))) {
            Run r = run(List.of(world.root().resolve("qubes/dispool-mgmt/dispool.OpenInVM").toString(), arg), Map.of());
            assertEquals(0, r.code(), arg);
            assertTrue(r.out().startsWith("dispool-fallback "), arg + " -> " + r.out());
        }
    }

    @Test
    void theServiceScriptUsesTheUnixSocketWithoutToken() throws Exception {
        RunningService.awaitReady("default-dvm", 2);
        String socket = Path.of(ConfigProvider.getConfig().getValue("dispool.api.socket", String.class)).toAbsolutePath().toString();
        Run r = run(List.of(world.root().resolve("qubes/dispool-mgmt/dispool.OpenInVM").toString(), "default-dvm"), Map.of(
                "DISPOOL_SOCKET", socket, "DISPOOL_URL", "http://127.0.0.1:1", "DISPOOL_TOKEN_FILE", dir.resolve("none").toString(),
                "DISPOOL_QREXEC_CLIENT", "/bin/true"));
        assertEquals(0, r.code(), r.err());
        String name = r.out().replaceAll("dispool-ok (disp\\d+)\n", "$1");
        assertTrue(name.matches("disp\\d+"), r.out());
        assertThrows(QubesException.class, () -> host.qube(name), "removed through the socket too");
    }

    /**
     * What the service script adds to a hand-out: its run (GET the pool, POST the hand-out, the
     * qrexec call, DELETE) with a qrexec client that returns at once, against the same three
     * HTTP calls made by curl directly. The medians are printed for the report, not asserted.
     */
    @Test
    void measureTheServiceScriptsOverhead() throws Exception {
        Path script = world.root().resolve("qubes/dispool-mgmt/dispool.OpenInVM");
        int rounds = 15;
        long[] scriptNs = new long[rounds];
        long[] curlNs = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            RunningService.awaitReady("default-dvm", 2);
            long t0 = System.nanoTime();
            Run r = run(List.of(script.toString(), "default-dvm"), Map.of("DISPOOL_QREXEC_CLIENT", "/bin/true"));
            scriptNs[i] = System.nanoTime() - t0;
            assertTrue(r.out().startsWith("dispool-ok disp"), r.out() + r.err());
            RunningService.awaitReady("default-dvm", 2);
            t0 = System.nanoTime();
            String name = bareCurls();
            curlNs[i] = System.nanoTime() - t0;
            assertTrue(name.matches("disp\\d+"), name);
        }
        Arrays.sort(scriptNs);
        Arrays.sort(curlNs);
        double scriptMs = scriptNs[rounds / 2] / 1e6;
        double curlsMs = curlNs[rounds / 2] / 1e6;
        System.out.printf("dispool.OpenInVM overhead: script median %.1f ms, bare curl GET+POST+DELETE median %.1f ms,"
                + " added by the script %.1f ms (%d rounds)%n", scriptMs, curlsMs, scriptMs - curlsMs, rounds);
        assertTrue(scriptMs > 0 && curlsMs > 0);
    }

    private String bareCurls() throws Exception {
        String base = RunningService.url() + "/api/v1/";
        curl("GET", base + "pools/default-dvm");
        String reply = curl("POST", base + "pools/default-dvm/dispvms");
        String name = reply.replaceAll("(?s).*\"name\":\"(disp\\d+)\".*", "$1");
        curl("DELETE", base + "dispvms/" + name);
        return name;
    }

    private String curl(String method, String url) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-X", method));
        Path token = RunningService.tokenFile();
        if (Files.isRegularFile(token)) {
            cmd.addAll(List.of("-H", "Authorization: Bearer " + Files.readString(token).strip()));
        }
        cmd.add(url);
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
