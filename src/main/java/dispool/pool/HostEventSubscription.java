package dispool.pool;

import dispool.host.Backoff;
import dispool.host.Clock;
import dispool.host.HostEvent;
import dispool.host.QubesHost;
import io.smallrye.mutiny.subscription.Cancellable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The engine's subscription to the host's events. The port reconnects by itself; when an adapter
 * gives up (its stream fails or ends), every pool is suspect until the stream is back
 * ({@link #isLive}): a template change in between fired no event dispool saw. The subscription is
 * made again after dispool's one retry policy ({@link Backoff}, host time), whose attempts start
 * over once a stream says {@code connection-established}.
 */
final class HostEventSubscription implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HostEventSubscription.class.getName());

    private final QubesHost host;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final Consumer<HostEvent> handler;
    private final Runnable lost;
    private final Backoff.State failures;
    private volatile Cancellable current;
    private volatile boolean live = true;
    private volatile boolean closed;

    /**
     * @param handler every event, in order
     * @param lost    runs when the stream failed, before the next subscription
     */
    HostEventSubscription(QubesHost host, Backoff backoff, ScheduledExecutorService timers, Consumer<HostEvent> handler,
            Runnable lost) {
        this.host = host;
        this.clock = host.clock();
        this.timers = timers;
        this.handler = handler;
        this.lost = lost;
        this.failures = new Backoff.State(backoff);
    }

    void start() {
        subscribe();
    }

    /** False from a lost stream until a new one says {@code connection-established}. */
    boolean isLive() {
        return live;
    }

    private void subscribe() {
        if (closed) {
            return;
        }
        current = host.events()
                .onCompletion().failWith(() -> new IllegalStateException("host event stream ended"))
                .subscribe().with(this::onEvent, this::onFailure);
    }

    private void onEvent(HostEvent e) {
        if (e.is(HostEvent.CONNECTION_ESTABLISHED)) {
            live = true;
            failures.succeeded();
        }
        try {
            handler.accept(e);
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "could not handle host event " + e.name() + " of " + e.subject(), ex);
        }
    }

    private void onFailure(Throwable e) {
        if (closed) {
            return;
        }
        live = false;
        lost.run();
        long now = clock.nanos();
        failures.failed(now);
        long wait = failures.waitNanos(now);
        LOG.log(System.Logger.Level.WARNING, "host event stream lost (" + e.getMessage() + "); subscribing again in "
                + wait / 1_000_000 + " ms of host time (attempt " + failures.failures() + ")");
        try {
            timers.schedule(this::subscribe, clock.toWallNanos(java.time.Duration.ofNanos(wait)), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            // the engine is closing: no new subscription
        }
    }

    @Override
    public void close() {
        closed = true;
        Cancellable c = current;
        if (c != null) {
            c.cancel();
        }
    }
}
