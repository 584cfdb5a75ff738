package dispool.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HTTP/1.1 written by hand over TCP or a Unix socket, one request per connection: the tests of
 * refusals need requests that no client library sends (no token, a foreign Host, raw bytes, a
 * body cut short), and the exact answer.
 */
public final class RawHttp {

    /** A parsed answer: status, headers (names lower-cased) and body. */
    public record Answer(int status, Map<String, String> headers, String body) {
    }

    private final SocketAddress address;

    private RawHttp(SocketAddress address) {
        this.address = address;
    }

    public static RawHttp tcp(int port) {
        return new RawHttp(new InetSocketAddress("127.0.0.1", port));
    }

    public static RawHttp unix(Path socket) {
        return new RawHttp(UnixDomainSocketAddress.of(socket));
    }

    /** A request with the given headers (each "Name: value") and body (null: none), Host localhost:port. */
    public Answer send(String method, String path, String body, String... headers) {
        StringBuilder req = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        boolean hostGiven = false;
        for (String h : headers) {
            hostGiven |= h.regionMatches(true, 0, "Host:", 0, 5);
            req.append(h).append("\r\n");
        }
        if (!hostGiven) {
            req.append("Host: localhost").append(address instanceof InetSocketAddress i ? ":" + i.getPort() : "").append("\r\n");
        }
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            req.append("Content-Length: ").append(payload.length).append("\r\n");
        }
        req.append("Connection: close\r\n\r\n");
        byte[] head = req.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + payload.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(payload, 0, all, head.length, payload.length);
        return exchange(all, false);
    }

    /**
     * Sends {@code bytes} as they are; with {@code halfClose} the client then shuts its output
     * (no more bytes will come) and reads the answer.
     */
    public Answer exchange(byte[] bytes, boolean halfClose) {
        try (SocketChannel ch = open()) {
            ch.write(ByteBuffer.wrap(bytes));
            if (halfClose) {
                ch.shutdownOutput();
            }
            return parse(readAll(Channels.newInputStream(ch)));
        } catch (IOException e) {
            throw new UncheckedIOException("raw HTTP to " + address + " failed", e);
        }
    }

    /** An open connection the caller writes to at its own pace (slow clients). */
    public SocketChannel open() throws IOException {
        SocketChannel ch = SocketChannel.open(address instanceof UnixDomainSocketAddress ? StandardProtocolFamily.UNIX
                : StandardProtocolFamily.INET);
        ch.connect(address);
        return ch;
    }

    public static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    public static Answer parse(String raw) {
        int end = raw.indexOf("\r\n\r\n");
        if (end < 0) {
            return new Answer(-1, Map.of(), raw);
        }
        String[] lines = raw.substring(0, end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
        }
        String body = raw.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = unchunk(body);
        }
        return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
    }

    private static String unchunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int pos = 0;
        while (pos < chunked.length()) {
            int eol = chunked.indexOf("\r\n", pos);
            int size = Integer.parseInt(chunked.substring(pos, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, eol + 2, eol + 2 + size);
            pos = eol + 2 + size + 2;
        }
        return out.toString();
    }
}
