package dispool.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The marks of the docs' code blocks, checked in the unit suite (DocBlocksIT runs the blocks after
 * package): a shell block nobody marked fails here, naming its file and line.
 */
class DocBlocksTest {

    @TempDir
    Path dir;

    @Test
    void everyDocFileIsWellMarkedAndTheReadmeDefinesApi() throws Exception {
        List<DocBlocks> docs = DocFiles.all(Path.of(""));
        assertTrue(docs.size() >= 7, "README.md and docs/*.md: " + docs.size());
        assertTrue(DocFiles.apiFunction(docs.get(0)).contains("DISPOOL_URL"), "api() takes the URL from DISPOOL_URL");
        assertTrue(docs.get(0).shellBlocks().stream().filter(b -> b.text().contains("api() {")).allMatch(DocBlocks.Block::run),
                "the README's block that defines api() is run: every other run block depends on it");
    }

    @Test
    void marksLanguagesAndLinesAreRead() throws Exception {
        Path md = write("""
                # t
                ```sh run
                echo one
                ```
                - item

                  ```bash skip qubes
                  qvm-ls
                  ```
                ````text
                ```sh
                ````
                """);
        List<DocBlocks.Block> blocks = DocBlocks.read(md).blocks();
        assertEquals(3, blocks.size());
        assertEquals(2, blocks.get(0).line());
        assertTrue(blocks.get(0).run());
        assertEquals("echo one\n", blocks.get(0).text());
        assertEquals(DocBlocks.Skip.QUBES, blocks.get(1).skip());
        assertEquals("qvm-ls\n", blocks.get(1).text());
        assertEquals("text", blocks.get(2).language());
        assertFalse(blocks.get(2).run());
        assertEquals(2, DocBlocks.read(md).shellBlocks().size());
    }

    @Test
    void anUnmarkedShellBlockIsRefusedWithItsPlace() throws Exception {
        Path md = write("x\n\n```sh\nls\n```\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DocBlocks.read(md));
        assertTrue(e.getMessage().startsWith(md + ":3: "), e.getMessage());
    }

    @Test
    void anUnknownSkipReasonAndAFenceWithoutLanguageAreRefused() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> DocBlocks.read(write("```sh skip later\nls\n```\n")));
        assertThrows(IllegalArgumentException.class, () -> DocBlocks.read(write("```\nls\n```\n")));
        assertThrows(IllegalArgumentException.class, () -> DocBlocks.read(write("```sh run\nls\n")));
    }

    @Test
    void aBlockThatFailsIsNamedByFileAndLineWithItsTextAndOutput() throws Exception {
        DocBlocks.Block b = DocBlocks.read(write("# t\n\n```sh run\necho before\nfalse\necho after\n```\n")).blocks().get(0);
        BlockRunner.Outcome o = runner("").run(b);
        assertEquals(1, o.exitStatus(), "bash -e stops at the first failing command");
        assertEquals("before", o.outputTail());
        assertTrue(o.failure().startsWith(b.where() + ": block exited 1:\necho before\nfalse\n"), o.failure());
        assertTrue(b.where().endsWith(".md:3"), b.where());
    }

    @Test
    void aFailureInsideAPipeFailsTheBlock() throws Exception {
        DocBlocks.Block b = DocBlocks.read(write("```sh run\nfalse | cat\n```\n")).blocks().get(0);
        assertEquals(1, runner("").run(b).exitStatus(), "pipefail: jq cannot hide a failed curl");
    }

    @Test
    void theReadmesApiFunctionSendsTheTokenFileToTheGivenUrl() throws Exception {
        String api = DocFiles.apiFunction(DocFiles.all(Path.of("")).get(0));
        Path token = dir.resolve(".config/dispool/api-token");
        Files.createDirectories(token.getParent());
        Files.writeString(token, "secret-token\n");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> answerOnce(server));
            DocBlocks.Block b = DocBlocks.read(write("```sh run\napi /api/v1/pools -X POST\n```\n")).blocks().get(0);
            BlockRunner.Outcome o = new BlockRunner(Path.of("").toAbsolutePath(), dir,
                    "http://127.0.0.1:" + server.getLocalPort(), api, Duration.ofSeconds(30)).run(b);
            assertTrue(o.ok(), o.failure());
            String head = request.get(30, TimeUnit.SECONDS);
            assertTrue(head.startsWith("POST /api/v1/pools HTTP/1.1\r\n"), head);
            assertTrue(head.contains("\r\nAuthorization: Bearer secret-token\r\n"), head);
        }
    }

    /** One HTTP/1.1 exchange: the request's head, answered 200 with an empty JSON list. */
    private static String answerOnce(ServerSocket server) {
        try (Socket s = server.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                head.append(line).append("\r\n");
            }
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]"
                    .getBytes(StandardCharsets.US_ASCII));
            return head.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aBlockOverItsTimeoutIsStoppedAndSaysSo() throws Exception {
        DocBlocks.Block b = DocBlocks.read(write("```sh run\nsleep 30\n```\n")).blocks().get(0);
        BlockRunner.Outcome o = new BlockRunner(Path.of("").toAbsolutePath(), dir, "http://127.0.0.1:9", "",
                Duration.ofMillis(300)).run(b);
        assertEquals(-1, o.exitStatus());
        assertTrue(o.failure().contains("did not end within its timeout"), o.failure());
    }

    private BlockRunner runner(String api) {
        return new BlockRunner(Path.of("").toAbsolutePath(), dir, "http://127.0.0.1:9", api, Duration.ofSeconds(30));
    }

    private Path write(String text) throws Exception {
        Path f = Files.createTempFile(dir, "doc", ".md");
        Files.writeString(f, text);
        return f;
    }
}
