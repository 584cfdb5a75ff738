package dispool.host.qubesd;

import dispool.host.Backoff;
import dispool.host.HostEvent;
import dispool.host.QubesException;
import dispool.host.qubesd.wire.AdminCall;
import dispool.host.qubesd.wire.EventFrameParser;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code admin.Events} from dom0 (every qube and the host's own events) as one endless stream.
 *
 * <p>A connection that ends (qubesd restarts, EOF, a broken pipe, a frame that is not an event)
 * is opened again after dispool's one retry policy ({@link Backoff}: from its initial wait, growing
 * up to its cap, with jitter); it resets once a new connection says {@code connection-established}. That
 * first frame of every connection reaches the subscriber, which re-reads the state it cares about
 * (the engine re-lists qubes and reconciles every pool), so nothing that happened during the gap
 * is lost. Events of a frame cut by the break are never delivered half-parsed.
 */
public final class EventStream {

    private static final System.Logger LOG = System.getLogger(EventStream.class.getName());

    /** How long a new connection may take to say connection-established before it counts as lost. */
    static final Duration ESTABLISH_TIMEOUT = Duration.ofSeconds(10);

    private final Transport transport;
    private final Backoff backoff;

    EventStream(Transport transport, Backoff backoff) {
        this.transport = transport;
        this.backoff = backoff;
    }

    /**
     * The stream. Subscribing blocks until the first connection says {@code connection-established}
     * (at most {@link #ESTABLISH_TIMEOUT}), so every event after the subscription is delivered;
     * if that first connection fails, the reader keeps trying in the background.
     */
    Multi<HostEvent> multi() {
        return Multi.createFrom().emitter(em -> {
            AtomicReference<InputStream> open = new AtomicReference<>();
            Connection first = establish(em, open);
            Thread reader = new Thread(() -> run(em, open, first), "qubesd-events");
            reader.setDaemon(true);
            em.onTermination(() -> {
                reader.interrupt();
                closeQuietly(open.get());
            });
            reader.start();
        });
    }

    /** An open admin.Events connection and the parser holding its unfinished frame. */
    private record Connection(InputStream in, EventFrameParser parser) {
    }

    /** Opens a connection and reads up to its first frame; null (and logged) when that fails. */
    private Connection establish(MultiEmitter<? super HostEvent> em, AtomicReference<InputStream> open) {
        EventFrameParser parser = new EventFrameParser();
        InputStream in = null;
        try {
            in = transport.openStream(AdminCall.of("admin.Events", "", "dom0", ""));
            open.set(in);
            InputStream stream = in;
            CompletableFuture<Void> established = new CompletableFuture<>();
            CompletableFuture.delayedExecutor(ESTABLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> {
                        if (!established.isDone()) {
                            closeQuietly(stream);
                        }
                    });
            byte[] buf = new byte[8192];
            List<HostEvent> got = List.of();
            while (got.isEmpty()) {
                int n = in.read(buf);
                if (n < 0) {
                    throw new IOException("qubesd closed the stream before connection-established");
                }
                got = parser.feed(buf, 0, n);
            }
            established.complete(null);
            got.forEach(em::emit);
            return new Connection(in, parser);
        } catch (IOException | QubesException e) {
            closeQuietly(in);
            lost(em, e.getMessage());
            return null;
        }
    }

    private void run(MultiEmitter<? super HostEvent> em, AtomicReference<InputStream> open, Connection first) {
        int failures = first == null ? 1 : 0;
        Connection c = first;
        while (!em.isCancelled() && !Thread.currentThread().isInterrupted()) {
            if (c != null) {
                String why;
                try (InputStream in = c.in()) {
                    read(in, c.parser(), em);
                    why = "qubesd closed the stream" + (c.parser().midFrame() ? " in the middle of a frame" : "");
                } catch (IOException | QubesException e) {
                    why = e.getMessage() + (c.parser().midFrame() ? " (in the middle of a frame)" : "");
                }
                failures = 1; // it had said connection-established: the backoff starts over
                lost(em, why);
            }
            Duration wait = backoff.delay(failures);
            if (!em.isCancelled()) {
                LOG.log(System.Logger.Level.INFO, "admin.Events from " + transport.describe() + ": reconnecting in "
                        + wait.toMillis() + " ms (attempt " + failures + ")");
            }
            if (!sleep(wait.toMillis())) {
                return;
            }
            c = establish(em, open);
            failures = c != null ? 0 : failures + 1;
        }
    }

    /** Reads to EOF, emitting whole frames. */
    private static void read(InputStream in, EventFrameParser parser, MultiEmitter<? super HostEvent> em) throws IOException {
        byte[] buf = new byte[8192];
        for (int n = in.read(buf); n >= 0 && !em.isCancelled(); n = in.read(buf)) {
            parser.feed(buf, 0, n).forEach(em::emit);
        }
    }

    private void lost(MultiEmitter<? super HostEvent> em, String why) {
        if (!em.isCancelled()) {
            LOG.log(System.Logger.Level.WARNING, "admin.Events from " + transport.describe() + " lost: " + why);
        }
    }

    private static boolean sleep(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            return false; // the subscriber cancelled: the reader thread ends
        }
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // unsubscribing: nothing left to tell anyone
            }
        }
    }
}
