package dispool.host.qemu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A line-oriented connection to a Unix socket that QEMU serves (QMP, the guest agent's serial
 * port). One daemon thread reads lines and hands each to the consumer; the end of the stream
 * (QEMU exited, or closed the socket) is handed over as {@code null}, once.
 */
final class LineChannel implements AutoCloseable {

    private final SocketChannel channel;
    private final Path path;

    private LineChannel(SocketChannel channel, Path path) {
        this.channel = channel;
        this.path = path;
    }

    static LineChannel open(Path socket, String threadName, Consumer<String> lines) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        LineChannel c = new LineChannel(ch, socket);
        Thread reader = new Thread(() -> c.readLoop(lines), threadName);
        reader.setDaemon(true);
        reader.start();
        return c;
    }

    /**
     * Reads the channel itself rather than through {@code Channels.newInputStream}: that stream
     * holds the channel's blocking lock while it waits, which would block every write.
     */
    private void readLoop(Consumer<String> lines) {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            while (channel.read(buf) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    byte b = buf.get();
                    if (b == '\n') {
                        lines.accept(line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
                buf.clear();
            }
        } catch (IOException e) {
            // closed by us or by QEMU: the end of the stream says so below
        }
        lines.accept(null);
    }

    /** Writes one line; synchronized so that lines of concurrent writers stay whole. */
    synchronized void send(String line) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // already closed: nothing left to release
        }
    }
}
