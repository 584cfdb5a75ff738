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
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What the CLI makes of the answers a busy or failing service gives (429 with Retry-After, 507,
 * 503, a body that is not JSON, a chunked reply), from a stub speaking HTTP/1.1 on a Unix
 * socket: the socket transport and the refusal messages without a service in that state.
 */
class CliRefusalsTest {

    @TempDir
    Path dir;

    private String answer(String reply, String... args) throws Exception {
        Path socket = dir.resolve("stub-" + System.nanoTime() + ".sock"); // a bound name stays until unlinked
        AtomicReference<String> request = new AtomicReference<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread stub = new Thread(() -> serveOnce(server, reply, request));
            stub.start();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cl = new CommandLine(new DispoolCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
            String[] all = new String[args.length + 2];
            System.arraycopy(args, 0, all, 0, args.length);
            all[args.length] = "--socket";
            all[args.length + 1] = socket.toString();
            int code = cl.execute(all);
            stub.join();
            assertTrue(request.get().startsWith("POST /api/v1/pools/web-dvm/dispvms HTTP/1.1\r\n")
                    || request.get().startsWith("GET /api/v1/pools HTTP/1.1\r\n"), request.get());
            assertTrue(!request.get().contains("Authorization"), "no token on the socket");
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
}
