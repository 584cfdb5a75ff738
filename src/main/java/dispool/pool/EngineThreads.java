package dispool.pool;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The engine's threads: named daemons, so a thread dump says whose they are and they never hold the JVM. */
final class EngineThreads {

    private EngineThreads() {
    }

    /**
     * The engine's workers: at most {@code size} threads (hand-outs, preload starts, removals,
     * reconciles); more work waits in the queue, so a flood of requests cannot grow the threads.
     */
    static ExecutorService boundedWorkers(int size) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                named("dispool-worker"));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Bookkeeping after a hand-out, off the caller's path: on a worker, or on the caller's thread
     * when the engine is closing (its workers refuse work). The caller has the disposable already;
     * a refused task must neither fail the hand-out nor leave the disposable without its marks.
     */
    static void afterHandOut(Executor workers, Runnable bookkeeping) {
        try {
            workers.execute(bookkeeping);
        } catch (RejectedExecutionException closing) {
            bookkeeping.run();
        }
    }

    static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
