package dispool.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Docs that run: every shell block of README.md and docs/ marked {@code run} is executed with bash
 * ({@code -e -o pipefail}), in file order, against one packaged service on the embedded simulator
 * (this runs in {@code mvn verify}, after package). Each block gets the README's own {@code api}
 * function and the environment a reader's shell would have after the README's set-up:
 * {@code DISPOOL_URL} and {@code DISPOOL_TOKEN_FILE} point at the service, {@code HOME} is the
 * service's home (its token, audit log and history under {@code ~}), the working directory is the
 * checkout. A block that exits non-zero fails its test, named by file and line, with its output.
 * Blocks marked {@code skip} are listed with their reason, and the counts are printed.
 */
class DocBlocksIT {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Duration BLOCK_TIMEOUT = Duration.ofSeconds(180);
    private static final AtomicInteger EXECUTED = new AtomicInteger();
    private static final List<String> SKIPPED = new ArrayList<>();
    private static Process service;
    private static Path home;
    private static int port;

    @BeforeAll
    static void startService() throws Exception {
        Path jar = Path.of(System.getProperty("dispool.app", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        assumeTrue(Files.isRegularFile(jar), "needs the packaged service " + jar + ": runs in mvn verify, after package");
        home = Files.createTempDirectory("dispool-docs");
        port = freePort();
        // As the README starts it (from the checkout, so config/application.properties applies), with
        // its home in a temporary directory and the simulator 20x faster than real time.
        service = new ProcessBuilder(java(), "-XX:TieredStopAtLevel=1", "-Duser.home=" + home,
                "-Ddispool.sim.time-scale=20", "-Dquarkus.http.port=" + port, "-jar", jar.toString())
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(home.resolve("service.log").toFile())
                .start();
        awaitPoolFull();
    }

    @AfterAll
    static void stopService() throws Exception {
        System.out.printf("doc blocks: %d executed, %d not run%n", EXECUTED.get(), SKIPPED.size());
        SKIPPED.forEach(s -> System.out.println("  not run: " + s));
        if (service != null) {
            service.descendants().forEach(ProcessHandle::destroy);
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
    }

    @TestFactory
    List<DynamicTest> shellBlocksOfTheDocsRun() throws IOException {
        List<DocBlocks> docs = DocFiles.all(ROOT);
        String api = DocFiles.apiFunction(docs.get(0));
        List<DynamicTest> tests = new ArrayList<>();
        for (DocBlocks doc : docs) {
            for (DocBlocks.Block b : doc.shellBlocks()) {
                if (b.run()) {
                    tests.add(DynamicTest.dynamicTest(b.where() + " " + b.firstLine(), () -> run(api, b)));
                } else {
                    SKIPPED.add(b.where() + " (" + b.skip().name().toLowerCase() + "): " + b.firstLine());
                }
            }
        }
        return tests;
    }

    private static void run(String api, DocBlocks.Block block) throws Exception {
        Path out = Files.createTempFile(home, "block", ".out");
        ProcessBuilder bash = new ProcessBuilder("bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c",
                api + block.text()).directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        Map<String, String> env = bash.environment();
        env.put("HOME", home.toString());
        env.put("DISPOOL_URL", "http://127.0.0.1:" + port);
        env.put("DISPOOL_TOKEN_FILE", home.resolve(".config/dispool/api-token").toString());
        env.put("DISPOOL_JAVA_OPTS", "-Duser.home=" + home + " -XX:TieredStopAtLevel=1");
        Process p = bash.start();
        boolean ended = p.waitFor(BLOCK_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        EXECUTED.incrementAndGet();
        String output = tail(Files.readString(out), 40);
        assertTrue(ended, block.where() + ": block did not end within " + BLOCK_TIMEOUT.toSeconds() + " s:\n"
                + block.text() + "--- output ---\n" + output);
        assertTrue(p.exitValue() == 0, block.where() + ": block exited " + p.exitValue() + ":\n" + block.text()
                + "--- output ---\n" + output);
    }

    /** The README's first call waits for a full pool too; waiting here keeps a slow start out of its timeout. */
    private static void awaitPoolFull() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Path token = home.resolve(".config/dispool/api-token");
        Awaitility.await().atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> {
                    assertTrue(service.isAlive(), "the service died on start: see " + home.resolve("service.log"));
                    HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/pools/default-dvm"))
                            .header("Authorization", "Bearer " + Files.readString(token).strip()).build();
                    return http.send(get, HttpResponse.BodyHandlers.ofString()).body().contains("\"ready\":2");
                });
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
