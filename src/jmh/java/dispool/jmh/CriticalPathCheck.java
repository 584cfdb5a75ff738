package dispool.jmh;

import dispool.host.QubesHost;
import dispool.pool.HandOut;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts the host calls on the hand-out's critical path: the calls made on the thread that serves
 * a hand-out, from the request until the caller has its disposable (the goal: the unpause only).
 * Runs on its own zero-latency engine behind a recording proxy, one hand-out at a time on a quiet
 * engine (pool full, no host call for {@value #QUIET_MS} ms), so a refill on the same worker
 * thread is never counted. Same method as the unit test {@code HandOutPathTest}, repeated.
 */
final class CriticalPathCheck {

    private static final long QUIET_MS = 5;
    private static final String ITEM = "(handed out)";

    private record Call(String method, Thread thread) {
    }

    private CriticalPathCheck() {
    }

    /** Hands out {@code n} disposables and tells how often each sequence of critical-path calls occurred. */
    static String run(int n) {
        List<Call> calls = new CopyOnWriteArrayList<>();
        Map<String, Integer> sequences = new TreeMap<>();
        try (ZeroLatencyEngine zero = new ZeroLatencyEngine(1, 2, sim -> recording(sim, calls))) {
            String template = ZeroLatencyEngine.template(0);
            for (int i = 0; i < n; i++) {
                zero.awaitPool(template, p -> p.ready() == 2 && p.starting() == 0);
                awaitQuiet(calls);
                sequences.merge(onPath(zero, template, calls).toString(), 1, Integer::sum);
            }
        }
        return "host calls on the hand-out's critical path (" + n + " hand-outs, zero-latency simulator): "
                + sequences;
    }

    private static List<String> onPath(ZeroLatencyEngine zero, String template, List<Call> calls) {
        AtomicReference<Thread> served = new AtomicReference<>();
        int before = calls.size();
        HandOut h = zero.engine.handOut(template).onItem().invoke(() -> {
            served.set(Thread.currentThread());
            calls.add(new Call(ITEM, Thread.currentThread()));
        }).await().atMost(Duration.ofSeconds(10));
        List<Call> snapshot = List.copyOf(calls);
        List<String> path = snapshot.subList(before, snapshot.size()).stream().filter(c -> c.thread() == served.get())
                .map(Call::method).takeWhile(m -> !m.equals(ITEM)).toList();
        zero.engine.removeDisposable(h.name()).await().atMost(Duration.ofSeconds(10));
        return path;
    }

    private static void awaitQuiet(List<Call> calls) {
        int seen = -1;
        while (seen != calls.size()) {
            seen = calls.size();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(QUIET_MS));
        }
    }

    private static QubesHost recording(QubesHost host, List<Call> calls) {
        return ZeroLatencyEngine.intercepted(host, method -> {
            calls.add(new Call(method, Thread.currentThread()));
            return false;
        });
    }
}
