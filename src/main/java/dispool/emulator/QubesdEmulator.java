package dispool.emulator;

import dispool.emulator.reference.QubesdPreloading;
import dispool.host.HostEvent;
import dispool.host.QubesException;
import dispool.host.qubesd.wire.AdminCall;
import dispool.host.qubesd.wire.EventFrameParser;
import dispool.host.qubesd.wire.Reply;
import dispool.host.sim.SimHost;
import io.smallrye.mutiny.subscription.Cancellable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link SimHost} served as qubesd on a Unix socket, in the real wire format (reference §1–§3),
 * so the qubesd adapter runs end to end without Qubes:
 * <ul>
 * <li>one call per connection; nothing happens before the client's EOF (half-close);</li>
 * <li>{@code 0\x00value}, {@code 2\x00Type\x00\x00message\x00} for Qubes exceptions, and a dropped
 *     connection (empty reply) for a malformed header, an oversize request, a protocol error or a
 *     permission veto, as R4.3 does;</li>
 * <li>{@code admin.Events}: {@code connection-established} first, then every event of the host,
 *     until the client closes; {@link #cutEventStreams} breaks them (cleanly or mid-frame) to
 *     test reconnects.</li>
 * </ul>
 * It is an emulator for tests and demos: it trusts its socket's permissions, as qubesd does.
 */
public final class QubesdEmulator implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(QubesdEmulator.class.getName());

    private final SimHost host;
    private final AdminMethods methods;
    private final Path socket;
    private final ServerSocketChannel server;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "qubesd-emulator");
        t.setDaemon(true);
        return t;
    });
    private final Set<EventConnection> streams = ConcurrentHashMap.newKeySet();
    private final QubesdPreloading preloading;

    private QubesdEmulator(SimHost host, Path socket, boolean uuids, boolean nativePreloading) throws IOException {
        this.host = host;
        this.preloading = nativePreloading ? new QubesdPreloading(host) : null;
        this.methods = new AdminMethods(host, uuids, preloading);
        this.socket = socket;
        Files.deleteIfExists(socket);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        connections.execute(this::acceptLoop);
        if (preloading != null) {
            connections.execute(preloading::bootService); // the host just booted: qubes-preload-dispvm.service runs
        }
    }

    /** Which qubesd to emulate. */
    public enum Release {
        /** R4.2: admin.vm.List without uuid=, no native preloading. */
        R42,
        /** R4.3 before native preloading (v4.3.9–v4.3.28): uuid=, no native preloading. */
        R43,
        /** R4.3 ≥ v4.3.39: qubesd fills the pools itself from preload-dispvm-max. */
        R43_NATIVE
    }

    /** Serves {@code host} on {@code socket} as qubesd R4.3 without native preloading. */
    public static QubesdEmulator serve(SimHost host, Path socket) throws IOException {
        return serve(host, socket, Release.R43);
    }

    public static QubesdEmulator serve(SimHost host, Path socket, Release release) throws IOException {
        return new QubesdEmulator(host, socket, release != Release.R42, release == Release.R43_NATIVE);
    }

    public SimHost host() {
        return host;
    }

    public Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                connections.execute(() -> handle(ch));
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.log(System.Logger.Level.WARNING, "qubesd emulator: accept failed: " + e.getMessage());
                }
            }
        }
    }

    private void handle(SocketChannel ch) {
        AdminCall call = null;
        try {
            byte[] request = readRequest(ch);
            call = request == null ? null : AdminCall.decode(request);
            if (call == null) {
                LOG.log(System.Logger.Level.INFO, "qubesd emulator: request too long, dropped");
            } else if (call.method().equals("admin.Events")) {
                streamEvents(ch, call);
                return;
            } else {
                write(ch, reply(call));
            }
        } catch (QubesException | Refused e) {
            LOG.log(System.Logger.Level.INFO, "qubesd emulator: dropped " + (call == null ? "a request" : call.describe())
                    + " without a reply: " + e.getMessage());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "qubesd emulator: client went away: " + e.getMessage());
        }
        closeQuietly(ch);
    }

    /** The reply bytes; {@link Refused} means none (the connection is dropped). */
    private byte[] reply(AdminCall call) {
        try {
            return Reply.value(methods.answer(call));
        } catch (Refused e) {
            throw e;
        } catch (QubesException e) {
            return Reply.exception(e.type(), e.getMessage());
        } catch (RuntimeException e) {
            throw new Refused("unexpected " + e); // qubesd drops the call on a non-Qubes exception
        }
    }

    /** Reads to the client's EOF; null when the request exceeds qubesd's limit. */
    private static byte[] readRequest(SocketChannel ch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (ch.read(buf) >= 0) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
            if (out.size() > AdminCall.MAX_REQUEST_BYTES) {
                return null;
            }
        }
        return out.toByteArray();
    }

    private void streamEvents(SocketChannel ch, AdminCall call) {
        if (!call.arg().isEmpty() || call.payload().length != 0) {
            throw new Refused("ProtocolError: admin.Events takes no argument and no payload");
        }
        EventConnection c = new EventConnection(ch, call.dest());
        streams.add(c);
        // Written on the connection's own thread: a client that stops reading stalls only itself,
        // never the simulated host that fires the events.
        c.subscription = host.events().emitOn(c.writer).subscribe().with(c::send, e -> c.close());
    }

    /**
     * Breaks every open event stream, as a qubesd restart does. With {@code midFrame}, each
     * stream first gets half of a frame, so the client must throw that half away.
     */
    public void cutEventStreams(boolean midFrame) {
        for (EventConnection c : Set.copyOf(streams)) {
            if (midFrame) {
                byte[] frame = EventFrameParser.encode(HostEvent.of("dom0", "domain-feature-set:x-cut", "feature", "x-cut"));
                c.sendRaw(Arrays.copyOf(frame, frame.length / 2));
            }
            c.close();
        }
    }

    /**
     * Keeps qmemman's available-memory file for the simulated host, as qmemmand does in dom0:
     * one signed number of bytes, no newline, replaced atomically (written to {@code .tmp}, then
     * renamed) whenever the figure changed after an event.
     */
    public void writeQmemmanFile(Path file) {
        AtomicLong last = new AtomicLong(Long.MIN_VALUE);
        host.availableMemory().ifPresent(bytes -> {
            last.set(bytes);
            writeAtomically(file, Long.toString(bytes));
        });
        host.events().subscribe().with(e -> host.availableMemory().ifPresent(bytes -> {
            if (last.getAndSet(bytes) != bytes) {
                writeAtomically(file, Long.toString(bytes));
            }
        }));
    }

    private static void writeAtomically(Path file, String text) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "qubesd emulator: cannot write " + file + ": " + e.getMessage());
        }
    }

    /** How many event streams are open (a reconnecting client shows up here again). */
    public int openEventStreams() {
        return streams.size();
    }

    @Override
    public void close() throws IOException {
        if (preloading != null) {
            preloading.close();
        }
        server.close();
        cutEventStreams(false);
        connections.shutdownNow();
        Files.deleteIfExists(socket);
    }

    private static void write(SocketChannel ch, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // the client is gone either way
        }
    }

    /** One admin.Events subscriber; events of other qubes are filtered when dest is a qube. */
    private final class EventConnection {
        private final SocketChannel ch;
        private final String dest;
        final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "qubesd-emulator-events");
            t.setDaemon(true);
            return t;
        });
        volatile Cancellable subscription;

        EventConnection(SocketChannel ch, String dest) {
            this.ch = ch;
            this.dest = dest;
        }

        void send(HostEvent e) {
            if (dest.equals("dom0") || dest.equals(e.subject()) || e.name().equals(HostEvent.CONNECTION_ESTABLISHED)) {
                sendRaw(EventFrameParser.encode(e));
            }
        }

        synchronized void sendRaw(byte[] frame) {
            try {
                write(ch, frame);
            } catch (IOException ex) {
                close(); // the client closed its socket: how it unsubscribes
            }
        }

        void close() {
            streams.remove(this);
            Cancellable s = subscription;
            if (s != null) {
                s.cancel();
            }
            closeQuietly(ch);
            writer.shutdown();
        }
    }
}
