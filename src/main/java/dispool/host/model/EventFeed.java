package dispool.host.model;

import dispool.host.HostEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A host model's event stream ({@code admin.Events}): delivered in order on one thread of the
 * host's own, as qubesd's stream is read on a reader thread, so a caller never runs a
 * subscriber's handlers itself. The thread ends when idle: a forgotten host leaves none.
 */
public final class EventFeed {

    private final List<MultiEmitter<? super HostEvent>> subscribers = new CopyOnWriteArrayList<>();
    private final ThreadPoolExecutor thread;
    /** Touched only on the event thread. */
    private boolean down;

    public EventFeed(String threadName) {
        thread = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        thread.allowCoreThreadTimeOut(true);
    }

    /** A new subscription, which first says {@code connection-established}. */
    public Multi<HostEvent> events() {
        return Multi.createFrom().emitter(em -> {
            em.onTermination(() -> subscribers.remove(em));
            thread.execute(() -> {
                subscribers.add(em);
                em.emit(HostEvent.of("", HostEvent.CONNECTION_ESTABLISHED));
            });
        });
    }

    /** Delivers {@code events} after everything emitted before; call it with no lock held. */
    public void emit(List<HostEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        thread.execute(() -> {
            if (!down) {
                events.forEach(e -> subscribers.forEach(em -> em.emit(e)));
            }
        });
    }

    /**
     * As a qubesd restart cuts every stream: what is emitted while {@code whileDown} runs is lost,
     * then every subscriber hears {@code connection-established} again.
     */
    public void drop(Runnable whileDown) {
        thread.execute(() -> down = true);
        try {
            whileDown.run();
        } finally {
            thread.execute(() -> {
                down = false;
                subscribers.forEach(em -> em.emit(HostEvent.of("", HostEvent.CONNECTION_ESTABLISHED)));
            });
        }
    }
}
