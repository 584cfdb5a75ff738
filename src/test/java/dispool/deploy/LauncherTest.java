package dispool.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/dispool picks the JVM to start: the small client for the everyday commands and for no
 * command at all (which then prints the usage and exits 2), the service's jar under the cli
 * profile for the tools; the client's class-data archive is written once, renamed into place,
 * then used. A stand-in {@code java} (JAVA_HOME) records its arguments and writes the archive a
 * real JVM would.
 */
class LauncherTest {

    @TempDir
    Path dir;

    Path home;

    @BeforeEach
    void layout() throws IOException {
        home = Files.createDirectories(dir.resolve("quarkus-app"));
        Files.createDirectories(home.resolve("app"));
        Files.createDirectories(home.resolve("lib/main"));
        Files.writeString(home.resolve("app/dispool-1.0.jar"), "app");
        Files.createDirectories(home.resolve("client"));
        Files.writeString(home.resolve("client/info.picocli.picocli-4.7.7-release17.jar"), "picocli for Java 17");
        for (String jar : List.of("info.picocli.picocli-4.7.7.jar", "com.fasterxml.jackson.core.jackson-core-2.21.1.jar",
                "com.fasterxml.jackson.core.jackson-databind-2.21.1.jar", "com.fasterxml.jackson.core.jackson-annotations-2.21.jar",
                "io.vertx.vertx-core-4.5.jar")) {
            Files.writeString(home.resolve("lib/main").resolve(jar), jar);
        }
        Path bin = Files.createDirectories(dir.resolve("jdk/bin"));
        Files.writeString(bin.resolve("java"), """
                #!/bin/sh
                printf '%s\\n' "$@" >"$ARGS_FILE"
                for a; do
                    case $a in -XX:ArchiveClassesAtExit=*) printf archive >"${a#*=}" ;; esac
                done
                """);
        Files.setPosixFilePermissions(bin.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private List<String> launch(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("deploy/dispool"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DISPOOL_HOME", home.toString());
        pb.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
        pb.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        pb.environment().put("ARGS_FILE", dir.resolve("args").toString());
        pb.environment().remove("DISPOOL_JAVA_OPTS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return Files.readAllLines(dir.resolve("args"));
    }

    @Test
    void theEverydayCommandsAndNoCommandRunTheClientOnItsOwnClassPath() throws Exception {
        String main = "dispool.cli.ArchiveTraining"; // the first run trains the archive, then runs the command
        for (String[] args : List.of(new String[] {}, new String[] {"ls"}, new String[] {"handout", "web-dvm"})) {
            List<String> java = launch(args);
            int at = java.indexOf(main);
            assertTrue(at > 0, java.toString());
            assertEquals(List.of(args), java.subList(at + 1, java.size()));
            String cp = java.get(java.indexOf("-cp") + 1);
            assertEquals(List.of(home.resolve("app/dispool-1.0.jar").toString(),
                    home.resolve("client/info.picocli.picocli-4.7.7-release17.jar").toString(),
                    home.resolve("lib/main/com.fasterxml.jackson.core.jackson-core-2.21.1.jar").toString(),
                    home.resolve("lib/main/com.fasterxml.jackson.core.jackson-databind-2.21.1.jar").toString(),
                    home.resolve("lib/main/com.fasterxml.jackson.core.jackson-annotations-2.21.jar").toString()),
                    List.of(cp.split(":")), "the Java 17 picocli, never lib/main's as well");
            assertTrue(!java.contains("-jar"), java.toString());
            main = "dispool.cli.ClientMain";
        }
    }

    @Test
    void theToolsRunTheServiceJarUnderTheCliProfile() throws Exception {
        for (String tool : List.of("bench", "chaos", "sim-qubesd")) {
            List<String> java = launch(tool, "--help");
            assertEquals(List.of("-Dquarkus.profile=cli", "-jar", home.resolve("quarkus-run.jar").toString(), tool, "--help"),
                    java, tool);
        }
    }

    @Test
    void theClassDataArchiveIsWrittenOnceThenUsed() throws Exception {
        Path cache = dir.resolve("cache/dispool");
        List<String> first = launch("ls");
        String dump = first.stream().filter(a -> a.startsWith("-XX:ArchiveClassesAtExit=")).findFirst().orElseThrow();
        String archive = dump.substring(dump.indexOf('=') + 1).replaceAll("\\.[0-9]+$", "");
        assertTrue(archive.matches(cache + "/client-[0-9]+\\.jsa"), archive);
        assertTrue(Files.isRegularFile(Path.of(archive)), "renamed into place");
        try (var files = Files.list(cache)) {
            assertEquals(1, files.count(), "no half-written archive left");
        }
        assertTrue(first.contains("dispool.cli.ArchiveTraining"), "trained on the fixed script: " + first);
        List<String> second = launch("get", "web-dvm");
        assertTrue(second.contains("-XX:SharedArchiveFile=" + archive), second.toString());
        assertTrue(second.contains("dispool.cli.ClientMain"), second.toString());
        Files.writeString(home.resolve("app/dispool-1.0.jar"), "an upgrade");
        assertTrue(launch("ls").stream().anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit=")), "a new jar, a new archive");
    }

    @Test
    void aBuildWithoutTheClientJarSaysWhatToDo() throws Exception {
        Files.delete(home.resolve("client/info.picocli.picocli-4.7.7-release17.jar"));
        ProcessBuilder pb = new ProcessBuilder("deploy/dispool", "ls").redirectErrorStream(true);
        pb.environment().put("DISPOOL_HOME", home.toString());
        pb.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.waitFor());
        assertEquals("dispool: no client jar in " + home + "/client (a build older than the client): run mvn -B package"
                + " -DskipTests\n", out);
    }

    @Test
    void noBuiltAppSaysWhatToDo() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("deploy/dispool", "ls").redirectErrorStream(true);
        pb.environment().put("DISPOOL_HOME", dir.resolve("nothing-here").toString());
        pb.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.waitFor());
        assertEquals("dispool: no built dispool in " + dir.resolve("nothing-here") + ": run mvn -B package -DskipTests,"
                + " or set DISPOOL_HOME\n", out);
    }
}
