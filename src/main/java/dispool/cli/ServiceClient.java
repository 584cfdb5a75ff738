package dispool.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP/1.1 to the running service, over TCP or its Unix socket (the JDK's HTTP client has no Unix
 * sockets, so one small request writer serves both, and the tests over TCP exercise the socket
 * path's code too). One request per connection ({@code Connection: close}).
 *
 * <p>Nothing here waits without a bound: the connect has its timeout, and so has every read (the
 * time the service may stay silent); a reply larger than {@link #MAX_REPLY_BYTES} is cut off.
 * The API token goes only over TCP to a loopback address: a URL naming another host is refused
 * before anything is sent ({@link #tcp}). Plain Java and picocli-free, so that other client
 * commands (a live {@code dispool top}) can use it as it is.
 */
final class ServiceClient {

    /** The largest reply read: the pools of a big host are a few hundred KiB of JSON. */
    static final int MAX_REPLY_BYTES = 8 << 20;

    /** A reply: status, headers (lower-case names) and the body as text. */
    record Reply(int status, java.util.Map<String, String> headers, String body) {
    }

    /** The call failed: the service could not be reached, or what came back is not a dispool reply. */
    static class Failed extends RuntimeException {
        Failed(String message) {
            super(message);
        }
    }

    /** The service could not be reached at all (nothing listens, socket missing, bad address). */
    static final class Unreachable extends Failed {
        Unreachable(String message) {
            super(message);
        }
    }

    private final String where;
    private final SocketAddress address;
    private final String hostHeader;
    private final String token;
    private final Duration connectTimeout;

    private ServiceClient(String where, SocketAddress address, String hostHeader, String token, Duration connectTimeout) {
        this.where = where;
        this.address = address;
        this.hostHeader = hostHeader;
        this.token = token;
        this.connectTimeout = connectTimeout;
    }

    /**
     * Over TCP to {@code url} ({@code http://host:port}), with the bearer token when there is one.
     * The host is resolved once, here, and that address is the one connected to: a token is sent
     * only when it is a loopback address, so no name lookup can send it elsewhere.
     */
    static ServiceClient tcp(String url, String token, Duration connectTimeout) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new Unreachable("'" + url + "' is not a URL: give http://HOST:PORT, e.g. http://127.0.0.1:8080");
        }
        if (!"http".equals(u.getScheme()) || u.getHost() == null) {
            throw new Unreachable("'" + url + "' refused: give http://HOST:PORT, e.g. http://127.0.0.1:8080");
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(u.getHost());
        } catch (UnknownHostException e) {
            throw new Unreachable("cannot resolve the host of " + url + ": give the service's address, e.g. http://127.0.0.1:8080");
        }
        if (token != null && !ip.isLoopbackAddress()) {
            throw new Failed("refusing to send the API token to " + url + " (" + ip.getHostAddress() + " is not a loopback"
                    + " address): the token goes only to 127.0.0.1, ::1 or the service's Unix socket; reach a service"
                    + " elsewhere through a tunnel to a loopback port, or point --token-file at no file to call it without one");
        }
        int port = u.getPort() == -1 ? 80 : u.getPort();
        return new ServiceClient(url, new InetSocketAddress(ip, port), u.getHost() + ":" + port, token, connectTimeout);
    }

    /** Over the service's Unix socket: no token, the socket's file mode decides who may connect. */
    static ServiceClient unixSocket(String path, Duration connectTimeout) {
        return new ServiceClient("unix socket " + path, UnixDomainSocketAddress.of(path), "localhost", null, connectTimeout);
    }

    String where() {
        return where;
    }

    boolean sendsToken() {
        return token != null;
    }

    /**
     * One request. {@code readTimeout} bounds each wait for the service's next bytes, so a call
     * the service works on for long (a cold start, a command run) needs a timeout that long.
     */
    Reply call(String method, String path, String jsonBody, Duration readTimeout) {
        byte[] raw;
        try (SocketChannel ch = open(); Selector selector = Selector.open()) {
            connect(ch, selector);
            write(ch, selector, request(method, path, jsonBody));
            raw = read(ch, selector, readTimeout);
        } catch (IOException e) {
            throw new Unreachable("cannot reach the dispool service at " + where + " (" + e.getMessage()
                    + "): start it (systemctl start dispool) or point DISPOOL_URL / DISPOOL_SOCKET at it");
        }
        return HttpReply.parse(raw, where);
    }

    private SocketChannel open() throws IOException {
        SocketChannel ch = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        ch.configureBlocking(false);
        return ch;
    }

    private void connect(SocketChannel ch, Selector selector) throws IOException {
        if (ch.connect(address)) {
            return;
        }
        ch.register(selector, SelectionKey.OP_CONNECT);
        if (selector.select(connectTimeout.toMillis()) == 0) {
            throw new Unreachable("the dispool service at " + where + " did not accept a connection within "
                    + seconds(connectTimeout) + ": is it running, and is this its address?");
        }
        ch.finishConnect();
    }

    private static void write(SocketChannel ch, Selector selector, byte[] request) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(request);
        SelectionKey key = ch.register(selector, SelectionKey.OP_WRITE);
        while (b.hasRemaining()) {
            selector.select();
            selector.selectedKeys().clear();
            ch.write(b);
        }
        key.interestOps(SelectionKey.OP_READ);
    }

    private byte[] read(SocketChannel ch, Selector selector, Duration readTimeout) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(64 << 10);
        long timeoutMs = Math.max(1, readTimeout.toMillis());
        while (true) {
            if (selector.select(timeoutMs) == 0) {
                throw new Failed("the dispool service at " + where + " sent " + (got.size() == 0 ? "no reply"
                        : "only " + got.size() + " bytes") + " within " + seconds(readTimeout) + " (--read-timeout)");
            }
            selector.selectedKeys().clear();
            int n = ch.read(b);
            if (n < 0) {
                return got.toByteArray();
            }
            got.write(b.array(), 0, b.position());
            b.clear();
            if (got.size() > MAX_REPLY_BYTES) {
                throw new Failed("the reply of " + where + " is larger than " + (MAX_REPLY_BYTES >> 20)
                        + " MiB: is this a dispool service?");
            }
            if (HttpReply.complete(got.toByteArray())) {
                return got.toByteArray();
            }
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

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
