package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.QubesHost;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The hand-out's critical path from a ready pool makes one host call, the unpause: every other
 * call (bookkeeping, refill) runs on other threads after the caller has its disposable.
 */
class HandOutPathTest extends EngineFixture {

    private record Call(String method, Thread thread) {
    }

    @Test
    void theOnlyHostCallOnTheHandOutPathIsTheUnpause() {
        sim = host().feature(WEB, "preload-dispvm-max", "2").build();
        List<Call> calls = new CopyOnWriteArrayList<>();
        QubesHost recording = (QubesHost) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {QubesHost.class},
                (proxy, method, args) -> {
                    calls.add(new Call(method.getName(), Thread.currentThread()));
                    try {
                        return method.invoke(sim, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        engine = new DispoolEngine(recording, EngineSettings.defaults());
        engine.start();
        awaitReady(WEB, 2);

        AtomicReference<Thread> handOutThread = new AtomicReference<>();
        int before = calls.size();
        HandOut h = engine.handOut(WEB).onItem().invoke(() -> {
            handOutThread.set(Thread.currentThread());
            calls.add(new Call(ITEM, Thread.currentThread()));
        }).await().atMost(Duration.ofSeconds(20));

        assertTrue(h.preloaded());
        List<Call> snapshot = List.copyOf(calls); // a subList of a list other threads add to throws
        List<String> onPath = snapshot.subList(before, snapshot.size()).stream()
                .filter(c -> c.thread() == handOutThread.get()).map(Call::method)
                .takeWhile(m -> !m.equals(ITEM)).toList();
        assertEquals(List.of("unpause"), onPath);
    }

    /** Marks the moment the caller got its disposable. */
    private static final String ITEM = "(handed out)";
}
