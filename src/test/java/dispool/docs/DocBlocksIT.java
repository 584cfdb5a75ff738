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
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * service's home (its token, audit log and history under {@code ~}), {@code deploy/} is first on
 * {@code PATH}, the working directory is the checkout. A block that exits non-zero fails its test, named by file and line, with its output.
 * Blocks marked {@code skip} are listed with their reason, and the counts are printed.
 */
class DocBlocksIT {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Duration BLOCK_TIMEOUT = Duration.ofSeconds(180);
    /** Kept after the run (the service's home is removed), for a block that failed on the service's side. */
    private static final Path SERVICE_LOG = ROOT.resolve("target/doc-blocks-service.log");
    private static final List<String> EXECUTED = Collections.synchronizedList(new ArrayList<>());
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
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(SERVICE_LOG.toFile())
                .start();
        awaitPoolFull();
    }

    @AfterAll
    static void stopService() throws Exception {
        System.out.printf("doc blocks: %d executed, %d not run%n", EXECUTED.size(), SKIPPED.size());
        EXECUTED.forEach(s -> System.out.println("  ran " + s));
        SKIPPED.forEach(s -> System.out.println("  not run: " + s));
        if (service != null) {
            service.descendants().forEach(ProcessHandle::destroy);
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
        if (home != null) {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @TestFactory
    List<DynamicTest> shellBlocksOfTheDocsRun() throws IOException {
        List<DocBlocks> docs = DocFiles.all(ROOT);
        BlockRunner runner = new BlockRunner(ROOT, home, "http://127.0.0.1:" + port, DocFiles.apiFunction(docs.get(0)),
                BLOCK_TIMEOUT);
        List<DynamicTest> tests = new ArrayList<>();
        for (DocBlocks doc : docs) {
            for (DocBlocks.Block b : doc.shellBlocks()) {
                if (b.run()) {
                    tests.add(DynamicTest.dynamicTest(b.where() + " " + b.firstLine(), () -> run(runner, b)));
                } else {
                    SKIPPED.add(b.where() + " (" + b.skip().name().toLowerCase() + "): " + b.firstLine());
                }
            }
        }
        return tests;
    }

    private static void run(BlockRunner runner, DocBlocks.Block block) throws Exception {
        BlockRunner.Outcome o = runner.run(block);
        EXECUTED.add(String.format("%s in %.1f s", block.where(), o.took().toMillis() / 1000.0));
        assertTrue(o.ok(), o.failure());
    }

    /** The README's first call waits for a full pool too; waiting here keeps a slow start out of its timeout. */
    private static void awaitPoolFull() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Path token = home.resolve(".config/dispool/api-token");
        Awaitility.await().atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> {
                    assertTrue(service.isAlive(), "the service died on start: see " + SERVICE_LOG);
                    HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/pools/default-dvm"))
                            .header("Authorization", "Bearer " + Files.readString(token).strip()).build();
                    return http.send(get, HttpResponse.BodyHandlers.ofString()).body().contains("\"ready\":2");
                });
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
