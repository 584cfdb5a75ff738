package dispool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.QubesException;
import dispool.host.QubesHost;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
 * dispool-open-in-dvm → dom0's redirect to dispool-mgmt → deploy/qubes-rpc/dispool.OpenInVM,
 * which reads the caller's default_dispvm, takes a preload of it from this running service and
 * tags it for the caller → the app qube's own qubes.OpenInVM call into that disposable, the file
 * in and the edited file back → the call closes and the service removes the disposable. Then the
 * refusals, the fallbacks to qvm-open-in-dvm, and signals to the service.
 */
@QuarkusTest
class OpenInDvmTest {

    private static final Pattern OPENED = Pattern.compile("(disp\\d+) opened ");

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
        return wrapperIn("work", extra, args);
    }

    private Run wrapperIn(String qube, Map<String, String> extra, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("deploy/app-qube/dispool-open-in-dvm"));
        cmd.addAll(Arrays.asList(args));
        Map<String, String> env = new HashMap<>(world.env(qube));
        env.putAll(extra);
        return run(cmd, env);
    }

    private Map<String, String> serviceEnv() throws IOException {
        Map<String, String> env = new HashMap<>(Map.of(
                "DISPOOL_URL", RunningService.url(),
                "DISPOOL_TOKEN_FILE", RunningService.tokenFile().toString(),
                "DISPOOL_SOCKET", "",
                "DISPOOL_ADMIN_CLIENT", world.bin("qrexec-client-vm").toString(),
                "DISPOOL_OPEN_STREAM", Path.of("deploy/app-qube/dispool-open-stream").toAbsolutePath().toString(),
                "DISPOOL_QREXEC_CLIENT_VM", world.root().resolve("bin/qrexec-client-vm").toString(),
                "DISPOOL_QOPEN_IN_VM", world.root().resolve("bin/qopen-in-vm").toString(),
                "DISPOOL_QVM_OPEN_IN_DVM", world.root().resolve("bin/qvm-open-in-dvm").toString()));
        return env;
    }

    private Run run(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(serviceEnv());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out, err);
    }

    /** The service script started as qrexec starts it for {@code caller}, its stdin (the call) left open. */
    private Process service(String caller, String argument, Map<String, String> extra) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(world.root().resolve("qubes/dispool-mgmt/dispool.OpenInVM").toString(), argument);
        pb.environment().putAll(world.env("dispool-mgmt"));
        pb.environment().putAll(serviceEnv());
        pb.environment().put("QREXEC_REMOTE_DOMAIN", caller);
        pb.environment().putAll(extra);
        return pb.start();
    }

    private static String firstLine(Process p) throws IOException {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    private String disposableThatOpened() throws IOException {
        Matcher m = OPENED.matcher(world.opened());
        assertTrue(m.find(), "a disposable opened it: " + world.opened() + world.log());
        return m.group(1);
    }

    private static List<String> preloads(String template) {
        return RunningService.api().get("/api/v1/pools/" + template).jsonPath().getList("preloads.name");
    }

    @Test
    void aFileGoesToAPreloadOfTheCallersDefaultDispvmAndComesBackEdited() throws Exception {
        RunningService.awaitReady("default-dvm", 2);
        List<String> preloads = preloads("default-dvm");
        Path file = Files.writeString(dir.resolve("invoice.pdf"), "untrusted bytes\n");
        Run r = wrapper(Map.of(), file.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err(), "no notice on the fast path");
        String disp = disposableThatOpened();
        assertTrue(preloads.contains(disp), disp + " was one of the preloads " + preloads);
        assertEquals("untrusted bytes\nedited in " + disp + "\n", Files.readString(file));
        assertEquals("work dispool-mgmt dispool.OpenInVM\n"
                + "dispool-mgmt work admin.vm.property.Get+default_dispvm\n"
                + "dispool-mgmt " + disp + " admin.vm.tag.Set+dispool-for-work\n"
                + "work " + disp + " qubes.OpenInVM\n", world.log(), "the file went from work to " + disp + " directly");
        assertThrows(QubesException.class, () -> host.qube(disp), "the disposable is removed when the call ends");
    }

    @Test
    void twoAppQubesWithDifferentDefaultDispvmsEachOpenInTheirOwnTemplate() throws Exception {
        RunningService.api().contentType("application/json").body("{\"max\": 1}").put("/api/v1/pools/web-dvm").then().statusCode(200);
        try {
            RunningService.awaitReady("default-dvm", 2);
            RunningService.awaitReady("web-dvm", 1);
            List<String> defaultPreloads = preloads("default-dvm");
            List<String> webPreloads = preloads("web-dvm");
            Path a = Files.writeString(dir.resolve("a.txt"), "work's\n");
            Path b = Files.writeString(dir.resolve("b.txt"), "personal's\n");
            assertEquals(0, wrapperIn("work", Map.of(), a.toString()).code());
            assertEquals(0, wrapperIn("personal", Map.of(), b.toString()).code());
            String forWork = Files.readString(a).replaceAll("(?s).*edited in (disp\\d+)\n", "$1");
            String forPersonal = Files.readString(b).replaceAll("(?s).*edited in (disp\\d+)\n", "$1");
            assertTrue(defaultPreloads.contains(forWork), forWork + " of default-dvm " + defaultPreloads);
            assertTrue(webPreloads.contains(forPersonal), forPersonal + " of web-dvm " + webPreloads);
            assertEquals(forWork + " dispool-for-work\n" + forPersonal + " dispool-for-personal\n", world.tags());
        } finally {
            RunningService.api().delete("/api/v1/pools/web-dvm").then().statusCode(200);
        }
    }

    /** SIGTERM or SIGINT while the caller's open is under way: the service removes its disposable. */
    @Test
    void aKilledServiceLeavesNoDisposable() throws Exception {
        for (String signal : List.of("TERM", "INT")) {
            RunningService.awaitReady("default-dvm", 2);
            Process p = service("work", "", Map.of());
            String answer = firstLine(p);
            assertTrue(answer != null && answer.matches("dispool-ok disp\\d+"), answer);
            String disp = answer.substring("dispool-ok ".length());
            assertEquals("DispVM", host.qube(disp).klass(), disp + " is running while the call is open");
            Run other = run(List.of(world.root().resolve("bin/qrexec-client-vm").toString(), "--", disp, "qubes.OpenURL",
                    world.root().resolve("bin/send-line").toString(), "https://example.org/"), world.env("personal"));
            assertEquals(126, other.code(), "personal may not open in work's disposable: " + other);
            assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
            assertEquals(signal.equals("TERM") ? 143 : 130, p.waitFor(), signal);
            assertThrows(QubesException.class, () -> host.qube(disp), disp + " removed on SIG" + signal);
        }
    }

    @Test
    void theServiceRemovesTheDisposableWhenTheCallCloses() throws Exception {
        RunningService.awaitReady("default-dvm", 2);
        String socket = Path.of(ConfigProvider.getConfig().getValue("dispool.api.socket", String.class)).toAbsolutePath().toString();
        Process p = service("work", "", Map.of("DISPOOL_SOCKET", socket, "DISPOOL_URL", "http://127.0.0.1:1",
                "DISPOOL_TOKEN_FILE", dir.resolve("none").toString()));
        String answer = firstLine(p);
        assertTrue(answer != null && answer.startsWith("dispool-ok disp"), answer);
        String disp = answer.substring("dispool-ok ".length());
        host.qube(disp);
        p.getOutputStream().close();
        assertEquals(0, p.waitFor());
        assertThrows(QubesException.class, () -> host.qube(disp), "removed through the socket, without a token");
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
        assertTrue(world.log().contains("qubes.OpenURL") && !world.log().contains("@dispvm") && !world.log().contains("disp-cold"),
                world.log());
    }

    @Test
    void anEmptyPoolFallsBackToAFreshDisposableWithANotice() throws Exception {
        RunningService.awaitReady("web-dvm", 0);
        Path file = Files.writeString(dir.resolve("a.txt"), "x\n");
        Run r = wrapperIn("personal", Map.of(), file.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().startsWith("dispool: the pool of web-dvm (the default_dispvm of personal) is empty: opening in a new"
                + " disposable instead"), r.err());
        assertTrue(Files.readString(file).matches("x\nedited in disp-cold-\\d+\n"), Files.readString(file));
        assertEquals("", world.tags(), "no preload was taken");
    }

    /** No default_dispvm: dispool says so in Qubes' words, and qvm-open-in-dvm is refused as Qubes refuses it. */
    @Test
    void aCallerWithoutDefaultDispvmIsRefusedAsQvmOpenInDvmIs() throws Exception {
        Path file = Files.writeString(dir.resolve("c.txt"), "z\n");
        Run r = wrapperIn("nodvm", Map.of(), file.toString());
        assertEquals(126, r.code(), "qrexec's refusal, as qvm-open-in-dvm exits: " + r);
        assertEquals("dispool: no DispVM base is set for this VM: nodvm has no default_dispvm; set one with: qvm-prefs nodvm"
                + " default_dispvm DVM-TEMPLATE: passing the file to qvm-open-in-dvm\n", r.err());
        assertEquals("z\n", Files.readString(file));
        assertTrue(world.log().endsWith("nodvm none qubes.OpenInVM\n"), world.log());
    }

    @Test
    void dispoolDownItsQubeDownOrNoPolicyLineFallsBack() throws Exception {
        Path file = Files.writeString(dir.resolve("b.txt"), "y\n");
        Run down = wrapper(Map.of("DISPOOL_URL", "http://127.0.0.1:1"), file.toString());
        assertEquals(0, down.code(), down.err());
        assertTrue(down.err().startsWith("dispool: dispool is not running: opening in a new disposable"), down.err());
        RunningService.awaitReady("default-dvm", 2);
        Files.writeString(world.root().resolve("qubes/dom0/admin.vm.tag.Set"), "#!/bin/sh\nprintf '0\\000'\n");
        Run noPolicy = wrapper(Map.of(), "https://example.org/p");
        assertEquals(0, noPolicy.code(), noPolicy.err());
        assertTrue(noPolicy.err().matches("dispool: dom0 refused qubes.OpenURL into disp\\d+: the policy lacks the dispool-for"
                + " lines of this qube \\(docs/open-in-dvm.md\\): opening in a new disposable instead.*\n"), noPolicy.err());
        String refused = noPolicy.err().replaceAll("(?s).* into (disp\\d+): .*", "$1");
        assertThrows(QubesException.class, () -> host.qube(refused), "the hand-out nobody could use was removed");
        world.down("dispool-mgmt");
        Run qubeDown = wrapper(Map.of(), "https://example.org/");
        assertEquals(0, qubeDown.code(), qubeDown.err());
        assertTrue(qubeDown.err().startsWith("dispool: dispool is not reachable: opening in a new disposable"), qubeDown.err());
        assertTrue(world.opened().matches("disp-cold-\\d+ opened b.txt \\(edit\\)\ndisp-cold-\\d+ opened https://example.org/p\n"
                + "disp-cold-\\d+ opened https://example.org/\n"), world.opened());
    }

    @Test
    void usageExitCodesAndTheLoopGuardAsQvmOpenInDvm() throws Exception {
        assertEquals(2, wrapper(Map.of()).code());
        assertEquals(0, wrapper(Map.of(), "--help").code());
        assertEquals(2, wrapper(Map.of(), "--bogus", "x").code());
        assertEquals(2, wrapper(Map.of(), dir.toString()).code());
        Run notAFile = wrapper(Map.of(), "no-such-file");
        assertEquals(2, notAFile.code());
        assertTrue(notAFile.out().contains("is not a valid file or URL"), notAFile.out());
        Run inADisposable = wrapper(Map.of("QREXEC_SERVICE_FULL_NAME", "qubes.OpenInVM+"), "https://example.org/");
        if (!Files.exists(Path.of("/usr/bin/zenity")) && !Files.exists(Path.of("/usr/bin/kdialog"))) {
            assertEquals(1, inADisposable.code());
            assertEquals("Cannot prompt user, exiting to avoid possible infinite VM creation loop.\n", inADisposable.err());
        }
        assertEquals("", world.log(), "nothing was called");
    }

    @Test
    void anArgumentOrABadCallerNeverReachesTheService() throws Exception {
        String[][] table = {
            {"work", "default-dvm", "dispool-fallback dispool.OpenInVM takes no argument (got 'default-dvm')"},
            {"a.b", "", "dispool-fallback a.b: a qube name with '.' cannot be part of a Qubes tag"},
            {"", "", "dispool-fallback dispool.OpenInVM was called without a calling qube"},
            {"-x", "", "dispool-fallback dispool.OpenInVM was called without a calling qube"},
            {"ghost", "", "dispool-fallback dispool cannot read the default_dispvm of ghost: QubesVMNotFoundError: No such domain: 'ghost'"},
        };
        for (String[] row : table) {
            Process p = service(row[0], row[1], Map.of());
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor());
            assertTrue(out.startsWith(row[2]) && out.indexOf('\n') == out.length() - 1, String.join(" ", row) + " -> " + out);
        }
        assertFalse(world.log().contains("tag.Set"), "nothing was handed out: " + world.log());
    }

    /**
     * What the service script adds to a hand-out: its run (the default_dispvm and tag calls to the
     * fake dom0, GET the pool, POST the hand-out, DELETE when the call closes at once) against the
     * same three HTTP calls made by curl directly. The medians are printed for the report, not asserted.
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
            Run r = run(List.of(script.toString()), Map.of("QREXEC_REMOTE_DOMAIN", "work", "FAKE_SELF", "dispool-mgmt",
                    "FAKE_QUBES", world.root().toString()));
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
