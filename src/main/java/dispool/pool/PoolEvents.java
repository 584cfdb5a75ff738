package dispool.pool;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Publishes {@link PoolEvent}s without ever blocking the publisher: listeners (metrics, tests)
 * are called inline and must be quick; the {@link #stream()} (SSE) drops events for a
 * subscriber that cannot keep up rather than slow the engine down.
 */
public final class PoolEvents {

    private static final System.Logger LOG = System.getLogger(PoolEvents.class.getName());

    private final BroadcastProcessor<PoolEvent> processor = BroadcastProcessor.create();
    private final List<Consumer<PoolEvent>> listeners = new CopyOnWriteArrayList<>();

    public void addListener(Consumer<PoolEvent> listener) {
        listeners.add(listener);
    }

    public Multi<PoolEvent> stream() {
        return processor.onOverflow().drop();
    }

    void publish(PoolEvent event) {
        for (Consumer<PoolEvent> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "pool event listener failed on " + event.type(), e);
            }
        }
        synchronized (processor) {
            processor.onNext(event);
        }
    }

    void close() {
        synchronized (processor) {
            processor.onComplete();
        }
    }
}
