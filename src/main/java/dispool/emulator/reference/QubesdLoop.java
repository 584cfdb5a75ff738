package dispool.emulator.reference;

import dispool.host.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * qubesd's asyncio loop: every handler and every piece of bookkeeping runs on one thread, so code
 * between two awaits is atomic, as in qubesd. What qubesd awaits (libvirt, qrexec, disk work) runs
 * on worker threads, and its continuation comes back to the loop. {@code asyncio.sleep} is a timer
 * in the host's time ({@link Clock}), so a simulator running 100× faster sleeps 100× shorter.
 */
final class QubesdLoop implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(QubesdLoop.class.getName());

    private final Clock clock;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "qubesd-reference-loop"));
    private final Set<CompletableFuture<?>> calls = ConcurrentHashMap.newKeySet();
    private final ExecutorService blocking = Executors.newCachedThreadPool(r -> daemon(r, "qubesd-reference-io"));

    QubesdLoop(Clock clock) {
        this.clock = clock;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** {@code asyncio.ensure_future}: runs {@code task} on the loop, later; failures are logged as qubesd logs them. */
    void ensureFuture(Supplier<CompletableFuture<?>> task) {
        CompletableFuture.supplyAsync(task, loop).thenCompose(f -> f).whenComplete((v, e) -> {
            if (e != null) {
                LOG.log(System.Logger.Level.INFO, "qubesd reference: task failed: " + e.getMessage());
            }
        });
    }

    /**
     * Runs {@code task} on the loop and returns its result there (an entry point from another
     * thread). When qubesd stops first, the call fails as a cut connection does.
     */
    <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> task) {
        CompletableFuture<T> call = CompletableFuture.supplyAsync(task, loop).thenCompose(f -> f);
        calls.add(call);
        call.whenComplete((v, e) -> calls.remove(call));
        return call;
    }

    /** {@code asyncio.sleep(delay)} in host time; completes on the loop. */
    CompletableFuture<Void> sleep(Duration hostTime) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.schedule(() -> done.complete(null), clock.toWallNanos(hostTime), TimeUnit.NANOSECONDS);
        return done;
    }

    /** An awaited call to the outside world (the host): runs on a worker, continues on the loop. */
    <T> CompletableFuture<T> await(Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, blocking).whenCompleteAsync((v, e) -> { }, loop);
    }

    /** Continues {@code f} on the loop, whichever thread completed it. */
    <T> CompletableFuture<T> onLoop(CompletableFuture<T> f) {
        return f.whenCompleteAsync((v, e) -> { }, loop);
    }

    Clock clock() {
        return clock;
    }

    @Override
    public void close() {
        loop.shutdownNow();
        List.copyOf(calls).forEach(c -> c.completeExceptionally(new RejectedExecutionException("qubesd stopped")));
        blocking.shutdownNow();
    }
}
