package dispool.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/dispool on the packaged app, with the client's own short class path (LauncherTest checks
 * the launcher with a stand-in JVM; the client's unit tests run on the test class path, which holds
 * every jar). Without a subcommand the client registers every command with picocli, which reads
 * each command class's methods: a command whose method named a class of a jar only some commands
 * get (JLine for top, JFreeChart for advice) broke the usage, --help and --version for all.
 */
class ClientLauncherIT {

    @TempDir
    Path home;

    record Run(int code, String out, String err) {
    }

    private Run dispool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("deploy/dispool"));
        cmd.addAll(List.of(args));
        Path err = home.resolve("stderr");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
        pb.environment().put("DISPOOL_HOME", Path.of(System.getProperty("dispool.app")).getParent().toString());
        pb.environment().put("XDG_CACHE_HOME", home.resolve("cache").toString());
        pb.environment().put("DISPOOL_URL", "http://127.0.0.1:1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "dispool " + String.join(" ", args) + " did not end");
        return new Run(p.exitValue(), out, java.nio.file.Files.readString(err));
    }

    @Test
    void noCommandPrintsTheUsageOfEveryCommandAndExitsTwo() throws Exception {
        Run r = dispool();
        assertEquals(2, r.code(), r.err());
        for (String command : List.of("ls", "get", "set", "handout", "advice", "top")) {
            assertTrue(r.err().contains("  " + command + " "), command + " missing from the usage: " + r.err());
        }
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void helpAndVersionAnswerOnStdout() throws Exception {
        Run help = dispool("--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("top"), help.out());
        Run version = dispool("--version");
        assertEquals(0, version.code(), version.err());
        assertFalse(version.out().isBlank(), "no version printed");
    }

    @Test
    void aMistypedCommandIsRefusedWithoutAStackTrace() throws Exception {
        Run r = dispool("lss");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("dispool: "), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}
