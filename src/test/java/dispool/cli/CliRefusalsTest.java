package dispool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What the CLI makes of the answers a busy, failing or foreign service gives (429 with
 * Retry-After, 507, 503, replies that are not HTTP or not dispool's, a server that never answers,
 * a chunked reply), from a stub speaking HTTP/1.1 on a Unix socket: the socket transport and the
 * messages without a service in that state. Every failure is one line, {@code dispool COMMAND: ...},
 * exit 1, nothing on stdout.
 */
class CliRefusalsTest {

    @TempDir
    Path dir;

    /** A server on a Unix socket in the test's directory that answers one request with {@code reply}. */
    private final class Stub implements AutoCloseable {
        final Path socket;
        private final ServerSocketChannel server;
        private final Thread thread;
        private final AtomicReference<String> request = new AtomicReference<>();

        Stub(String reply) throws IOException {
            socket = dir.resolve("stub-" + System.nanoTime() + ".sock"); // a bound name stays until unlinked
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            thread = new Thread(() -> serveOnce(server, reply, request));
            thread.start();
        }

        /** The request the stub read, once it has answered. */
        String request() throws InterruptedException {
            thread.join();
            return request.get();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private String answer(String reply, String... args) throws Exception {
        try (Stub stub = new Stub(reply)) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cl = ClientMain.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
            String[] all = new String[args.length + 2];
            System.arraycopy(args, 0, all, 0, args.length);
            all[args.length] = "--socket";
            all[args.length + 1] = stub.socket.toString();
            int code = cl.execute(all);
            String request = stub.request();
            assertTrue(request.matches("(?s)(POST /api/v1/pools/web-dvm/dispvms|GET /api/v1/pools) HTTP/1.1\r\n.*"), request);
            assertTrue(!request.contains("Authorization"), "no token on the socket");
            return code + "|" + out + "|" + err;
        }
    }

    private static void serveOnce(ServerSocketChannel server, String reply, AtomicReference<String> request) {
        try (SocketChannel c = server.accept()) {
            ByteBuffer in = ByteBuffer.allocate(8192);
            c.read(in);
            request.set(new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1));
            c.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String reply(String status, String headers, String body) {
        return "HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\nConnection: close\r\n\r\n" + body;
    }

    @Test
    void busySaysWhenToRetry() throws Exception {
        String r = answer(reply("429 Too Many Requests", "Retry-After: 3\r\nContent-Type: application/json\r\n",
                "{\"error\":\"busy\",\"message\":\"4 cold starts already running (dispool.engine.max-cold-starts)\"}"),
                "handout", "web-dvm");
        assertEquals("1||dispool handout: busy: 4 cold starts already running (dispool.engine.max-cold-starts) (retry in 3 s)\n", r);
    }

    @Test
    void noMemoryAndFailedStartsPassTheServiceMessage() throws Exception {
        assertEquals("1||dispool handout: web-dvm: 300 MiB free, 400 MiB needed\n", answer(reply("507 Insufficient Storage", "",
                "{\"error\":\"insufficient-memory\",\"message\":\"web-dvm: 300 MiB free, 400 MiB needed\"}"), "handout", "web-dvm"));
        assertEquals("1||dispool handout: HTTP 503: upstream gone\n", answer(reply("503 Service Unavailable", "", "upstream gone"),
                "handout", "web-dvm"));
    }

    @Test
    void aChunkedReplyIsReadWhole() throws Exception {
        String body = "[{\"template\":\"web-dvm\"},{\"template\":\"default-dvm\"}]";
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + Integer.toHexString(10) + "\r\n" + body.substring(0, 10) + "\r\n"
                + Integer.toHexString(body.length() - 10) + "\r\n" + body.substring(10) + "\r\n0\r\n\r\n";
        assertEquals("0|web-dvm\ndefault-dvm\n|", answer(chunked, "ls", "--raw-list"));
    }

    /** Replies that are not a dispool service's: one line each, naming what was wrong, exit 1. */
    @Test
    void aMalformedReplyIsOneLineNeverAStackTrace() throws Exception {
        String[][] table = {
            {"", "closed the connection without a reply"},
            {"SSH-2.0-OpenSSH_9.2\r\n", "sent no complete HTTP header"},
            {"HTTP/1.1 abc OK\r\n\r\n", "answered with 'HTTP/1.1 abc OK', not an HTTP/1.1 status line"},
            {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[{}]", "closed the connection after 4 of the 100 bytes"},
            {"HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\n[]", "sent Content-Length 'lots', not a byte count"},
            {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n[]\r\n0\r\n\r\n", "broken chunked body"},
            {reply("200 OK", "", "<html>hello</html>"), "answered 200 with a body that is not JSON: <html>hello</html>"},
            {reply("200 OK", "", "{\"pools\":[]}"), "answered {\"pools\":[]} where a list was expected"},
            {reply("200 OK", "", "[{\"name\":\"web-dvm\"}]"), "the service's reply has no \"template\""},
        };
        for (String[] row : table) {
            String r = answer(row[0], "ls", "--raw-list");
            assertTrue(r.startsWith("1||dispool ls: ") && r.contains(row[1]) && r.endsWith("\n") && r.split("\n").length == 1,
                    row[1] + " -> " + r);
        }
        String name = answer(reply("201 Created", "", "{\"name\":\"../dom0\"}"), "handout", "web-dvm");
        assertEquals("1||dispool handout: the service handed out '../dom0', which is not a qube name\n", name);
    }

    /** A server that accepts and never answers: the read timeout ends the call with a message. */
    @Test
    void aSilentServerTimesOut() throws Exception {
        Path socket = dir.resolve("silent.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            StringWriter err = new StringWriter();
            StringWriter out = new StringWriter();
            long t0 = System.nanoTime();
            int code = ClientMain.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                    .execute("ls", "--socket", socket.toString(), "--read-timeout", "1");
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(1, code, err.toString());
            assertEquals("dispool ls: the dispool service at unix socket " + socket + " sent no reply within 1 s"
                    + " (--read-timeout)\n", err.toString());
            assertEquals("", out.toString());
            assertTrue(seconds >= 0.9 && seconds < 10, seconds + " s");
        }
    }

    /** A token goes only to a loopback address: another host is refused before anything is sent. */
    @Test
    void theTokenIsNeverSentToAForeignUrl() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "secret\n");
        StringWriter err = new StringWriter();
        int code = ClientMain.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
                .execute("ls", "--url", "http://192.0.2.7:8080", "--token-file", token.toString());
        assertEquals(1, code);
        assertEquals("dispool ls: refusing to send the API token to http://192.0.2.7:8080 (192.0.2.7 is not a loopback"
                + " address): the token goes only to 127.0.0.1, ::1 or the service's Unix socket; reach a service"
                + " elsewhere through a tunnel to a loopback port, or point --token-file at no file to call it without one\n",
                err.toString());
        StringWriter loopback = new StringWriter();
        ClientMain.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(loopback, true))
                .execute("ls", "--url", "http://[::1]:1", "--token-file", token.toString(), "--connect-timeout", "1");
        assertTrue(loopback.toString().startsWith("dispool ls: cannot reach the dispool service at http://[::1]:1")
                || loopback.toString().contains("did not accept a connection"), loopback.toString());
    }

    @Test
    void noSubcommandPrintsTheUsageAndExits2() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(2, ClientMain.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute());
        assertEquals("", out.toString());
        assertTrue(err.toString().startsWith("Usage: dispool [-hV] [COMMAND]") && err.toString().contains("handout")
                && err.toString().contains("Tools (they start the full service code"), err.toString());
    }

    /** With neither --socket nor --url, the service's own socket is used when it exists. */
    @Test
    void theServiceSocketIsFoundWithoutOptions() throws Exception {
        try (Stub stub = new Stub(reply("200 OK", "", "[{\"template\":\"web-dvm\"}]"))) {
            StringWriter out = new StringWriter();
            CommandLine cl = ClientMain.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
            LsCommand ls = cl.getSubcommands().get("ls").getCommand();
            ls.service.serviceSocket = stub.socket;
            assertEquals(0, cl.execute("ls", "--raw-list"));
            assertTrue(stub.request().startsWith("GET /api/v1/pools HTTP/1.1\r\nHost: localhost\r\n"), stub.request());
            assertEquals("web-dvm\n", out.toString());
        }
    }

    /**
     * {@code name=$(dispool handout)} in a JVM of its own, as the launcher runs it: stdout holds the
     * name and nothing else, stderr is empty (no log line, no banner).
     */
    @Test
    void handoutPrintsOnlyTheNameOnStdout() throws Exception {
        try (Stub stub = new Stub(reply("201 Created", "Content-Type: application/json\r\n",
                "{\"name\":\"disp7\",\"template\":\"web-dvm\",\"preloaded\":true}"))) {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                    ClientMain.class.getName(), "handout", "web-dvm", "--socket", stub.socket.toString()).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), err);
            assertTrue(stub.request().startsWith("POST /api/v1/pools/web-dvm/dispvms HTTP/1.1\r\n"), stub.request());
            assertEquals("disp7\n", out);
            assertEquals("", err);
        }
    }
}
