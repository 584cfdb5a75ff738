package dispool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dispool top} as a person sees it: started in tmux (an 80×24 terminal) against the test
 * service on the simulator over its Unix socket, driven with keys, its screen read with
 * {@code tmux capture-pane}. It selects web-dvm (no pool yet), raises its preload-dispvm-max to 2
 * with {@code +} and {@code y} twice, and waits until the screen shows the pool full at the new
 * max, updated from the event stream. Skips, saying so, where tmux is not installed.
 */
@QuarkusTest
class TopTmuxTest {

    private static final String SESSION = "dispool-top-test-" + ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @BeforeEach
    void needsTmux() throws Exception {
        Assumptions.assumeTrue(onPath("tmux"), "tmux is not installed: TopTmuxTest needs it to run dispool top in a "
                + "terminal (apt-get install tmux; .ci/run installs it)");
    }

    @AfterEach
    void stop() throws Exception {
        tmux("kill-session", "-t", SESSION);
        RunningService.api().delete("/api/v1/pools/web-dvm").then().statusCode(org.hamcrest.Matchers.lessThan(300));
    }

    @Test
    void plusRaisesTheSelectedMaxAndTheScreenShowsThePoolFillingToIt() throws Exception {
        // the class path is longer than a tmux command may be: it goes to the JVM in an argument file
        Path args = dir.resolve("top.args");
        Files.writeString(args, "-cp \"" + System.getProperty("java.class.path") + "\"\n");
        Path script = dir.resolve("top.sh");
        Files.writeString(script, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' @" + args + " dispool.cli.TopCommand --socket '" + socket() + "' 2>" + dir.resolve("top.err") + "\n");
        script.toFile().setExecutable(true);
        assertEquals(0, tmux("new-session", "-d", "-s", SESSION, "-x", "80", "-y", "24", "-e", "TERM=xterm-256color",
                script.toString()));
        String first = awaitScreen("default-dvm shown full", s -> s.contains("default-dvm") && s.contains("2 ready"));
        assertTrue(first.contains("▶ default-dvm"), first);
        keys("j");
        awaitScreen("web-dvm selected", s -> s.contains("▶ web-dvm"));
        keys("+");
        awaitScreen("the question", s -> s.contains("web-dvm: preload-dispvm-max 0 → 1?"));
        keys("y");
        awaitScreen("max 1 applied", s -> s.contains("preload-dispvm-max set to 1"));
        keys("+");
        awaitScreen("the second question", s -> s.contains("web-dvm: preload-dispvm-max 1 → 2?"));
        keys("y");
        String full = awaitScreen("web-dvm full at max 2", s -> poolLine(s, "web-dvm").contains("max 2 (template)")
                && s.contains("2 ready 0 starting 0 handed out") && countOf(s, "2 ready 0 starting 0 handed out") == 2);
        System.out.println("dispool top under tmux, after + y + y on web-dvm:\n" + full);
        assertTrue(full.contains("[██]"), "web-dvm's bar is two ready cells:\n" + full);
        assertTrue(full.contains("PRELOAD_READY web-dvm"), "the footer shows the events that filled it:\n" + full);
        keys("q");
        Awaitility.await("top quits on q").atMost(10, TimeUnit.SECONDS).until(() -> tmux("has-session", "-t", SESSION) != 0);
    }

    private static String poolLine(String screen, String template) {
        return screen.lines().filter(l -> l.contains(" " + template + " ")).findFirst().orElse("");
    }

    private static int countOf(String s, String part) {
        return s.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    private String awaitScreen(String what, java.util.function.Predicate<String> shows) throws Exception {
        AtomicReference<String> last = new AtomicReference<>("");
        try {
            Awaitility.await(what).atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).until(() -> {
                last.set(capture());
                return shows.test(last.get());
            });
        } catch (ConditionTimeoutException e) {
            Path err = dir.resolve("top.err");
            throw new AssertionError(what + " never shown; the screen:\n" + last.get() + "\nstderr:\n"
                    + (Files.exists(err) ? Files.readString(err) : ""), e);
        }
        return last.get();
    }

    private void keys(String keys) throws Exception {
        assertEquals(0, tmux("send-keys", "-t", SESSION, "-l", keys));
    }

    private String capture() throws Exception {
        Process p = new ProcessBuilder("tmux", "capture-pane", "-p", "-t", SESSION).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    private static int tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("tmux"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    private static Path socket() {
        return Path.of(ConfigProvider.getConfig().getValue("dispool.api.socket", String.class)).toAbsolutePath();
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && List.of(path.split(":")).stream().anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
