package dispool.host.qubesd;

import dispool.host.QubesException;
import dispool.host.qubesd.wire.AdminCall;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The qubesd socket in dom0 ({@code /var/run/qubesd.sock}, group {@code qubes}): one call per
 * connection, request then half-close (qubesd acts only on EOF), reply read to EOF.
 *
 * <p>A call that gets no complete reply within {@code callTimeout} is cut off by closing its
 * socket, so a stuck qubesd never hangs a worker; a reply larger than {@link #MAX_REPLY_BYTES}
 * is refused rather than buffered.
 */
public final class SocketTransport implements Transport {

    /** Far above any listing dispool reads; a larger reply means something is wrong. */
    static final int MAX_REPLY_BYTES = 16 << 20;

    /**
     * One watchdog per call in flight: a cancelled one leaves the queue at once (else each call
     * would leave a task there for the whole call timeout, 5 minutes, and memory would grow with
     * every Admin API call).
     */
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdogScheduler();

    private static ScheduledThreadPoolExecutor watchdogScheduler() {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "qubesd-call-watchdog");
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        return s;
    }

    /** How many call watchdogs wait in the scheduler's queue (for tests: it must not grow with calls). */
    static int watchdogsQueued() {
        return WATCHDOG.getQueue().size();
    }

    private final Path socket;
    private final Duration callTimeout;

    public SocketTransport(Path socket, Duration callTimeout) {
        this.socket = socket;
        this.callTimeout = callTimeout;
    }

    @Override
    public byte[] call(AdminCall call) {
        byte[] request = call.encode();
        try (SocketChannel ch = connect(call)) {
            ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> closeQuietly(ch), callTimeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                send(ch, request);
                return readToEof(ch, call);
            } finally {
                watchdog.cancel(false); // and out of the queue: removeOnCancel
            }
        } catch (ClosedChannelException e) {
            throw new QubesException(QubesException.GENERIC, "no reply to " + call.describe() + " from " + describe()
                    + " within " + callTimeout.toSeconds() + " s (dispool.qubes.call-timeout); see journalctl -u qubesd in dom0");
        } catch (IOException e) {
            throw ioError(call, e);
        }
    }

    @Override
    public InputStream openStream(AdminCall call) {
        SocketChannel ch = connect(call);
        try {
            send(ch, call.encode());
            return Channels.newInputStream(ch);
        } catch (IOException e) {
            closeQuietly(ch);
            throw ioError(call, e);
        }
    }

    private SocketChannel connect(AdminCall call) {
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            return ch;
        } catch (IOException e) {
            throw new QubesException(Errors.ACCESS, "cannot connect to " + describe() + " for " + call.describe() + ": "
                    + e.getMessage() + "; is qubesd running, and does dispool run in dom0 as root or in group qubes?", e);
        }
    }

    private static void send(SocketChannel ch, byte[] request) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(request);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        ch.shutdownOutput();
    }

    private byte[] readToEof(SocketChannel ch, AdminCall call) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (ch.read(buf) >= 0) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
            if (out.size() > MAX_REPLY_BYTES) {
                throw new QubesException(QubesException.GENERIC, "reply to " + call.describe() + " is larger than "
                        + MAX_REPLY_BYTES + " bytes: refused");
            }
        }
        return out.toByteArray();
    }

    private QubesException ioError(AdminCall call, IOException e) {
        return new QubesException(Errors.ACCESS, "connection to " + describe() + " failed during " + call.describe()
                + ": " + e.getMessage(), e);
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing is all we wanted; the reader sees the closed channel
        }
    }

    @Override
    public String describe() {
        return "qubesd socket " + socket;
    }
}
