package dispool.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 to the running service, over TCP or its Unix socket (contract 4: the JDK's HTTP client
 * has no Unix sockets, so one small request writer serves both and the tests over TCP exercise
 * the socket path's code too). One request per connection ({@code Connection: close}).
 */
final class ServiceClient {

    /** A reply: status, headers (lower-case names) and the body as text. */
    record Reply(int status, Map<String, String> headers, String body) {
    }

    /** The service could not be reached at all (nothing listens, socket missing, bad address). */
    static final class Unreachable extends RuntimeException {
        Unreachable(String message) {
            super(message);
        }
    }

    private final String where;
    private final SocketAddress address;
    private final String hostHeader;
    private final String token;

    private ServiceClient(String where, SocketAddress address, String hostHeader, String token) {
        this.where = where;
        this.address = address;
        this.hostHeader = hostHeader;
        this.token = token;
    }

    /** Over TCP to {@code url} ({@code http://host:port}), with the bearer token when there is one. */
    static ServiceClient tcp(String url, String token) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new Unreachable("DISPOOL_URL '" + url + "' is not a URL: give http://HOST:PORT, e.g. http://127.0.0.1:8080");
        }
        if (!"http".equals(u.getScheme()) || u.getHost() == null) {
            throw new Unreachable("DISPOOL_URL '" + url + "' refused: give http://HOST:PORT, e.g. http://127.0.0.1:8080");
        }
        int port = u.getPort() == -1 ? 80 : u.getPort();
        return new ServiceClient(url, new InetSocketAddress(u.getHost(), port), u.getHost() + ":" + port, token);
    }

    /** Over the service's Unix socket: no token, the socket's file mode decides who may connect. */
    static ServiceClient unixSocket(String path) {
        return new ServiceClient("unix socket " + path, UnixDomainSocketAddress.of(path), "localhost", null);
    }

    String where() {
        return where;
    }

    boolean sendsToken() {
        return token != null;
    }

    Reply call(String method, String path, String jsonBody) {
        try (SocketChannel ch = SocketChannel.open(address)) {
            OutputStream out = Channels.newOutputStream(ch);
            out.write(request(method, path, jsonBody));
            out.flush();
            return parse(Channels.newInputStream(ch).readAllBytes());
        } catch (IOException e) {
            throw new Unreachable("cannot reach the dispool service at " + where + " (" + e.getMessage()
                    + "): start it (systemctl start dispool) or point DISPOOL_URL / DISPOOL_SOCKET at it");
        }
    }

    /**
     * A streaming GET ({@code dispool top}'s server-sent events): sends the request and returns
     * the connection, whose reply {@link EventStream} reads as it comes, until the service ends
     * it or the caller closes it. The one-shot calls above read whole replies and stay as they are.
     */
    SocketChannel openStream(String path) {
        try {
            SocketChannel ch = SocketChannel.open(address);
            StringBuilder h = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(hostHeader).append("\r\n")
                    .append("Connection: close\r\nAccept: text/event-stream\r\nUser-Agent: dispool-cli\r\n");
            if (token != null) {
                h.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            java.nio.channels.Channels.newOutputStream(ch).write(h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            return ch;
        } catch (IOException e) {
            throw new Unreachable("cannot reach the dispool service at " + where + " (" + e.getMessage()
                    + "): start it (systemctl start dispool) or point DISPOOL_URL / DISPOOL_SOCKET at it");
        }
    }

    private byte[] request(String method, String path, String jsonBody) {
        byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader).append("\r\n")
                .append("Connection: close\r\nAccept: application/json\r\n")
                .append("User-Agent: dispool-cli\r\n");
        if (token != null) {
            h.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        if (jsonBody != null) {
            h.append("Content-Type: application/json\r\n");
        }
        h.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        b.writeBytes(body);
        return b.toByteArray();
    }

    private Reply parse(byte[] raw) {
        int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
        if (end < 0) {
            throw new Unreachable("the service at " + where + " closed the connection without an HTTP reply");
        }
        String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Reply(Integer.parseInt(status[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    /** Transfer-Encoding: chunked — hex size line, data, CRLF, until a zero size. */
    private static byte[] dechunk(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        byte[] crlf = "\r\n".getBytes(StandardCharsets.ISO_8859_1);
        while (pos < in.length) {
            int eol = indexOf(in, crlf, pos);
            String sizeLine = new String(in, pos, eol - pos, StandardCharsets.ISO_8859_1);
            int size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(in, eol + 2, size);
            pos = eol + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
