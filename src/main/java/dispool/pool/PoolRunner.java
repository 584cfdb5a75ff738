package dispool.pool;

import dispool.host.Backoff;
import dispool.host.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Runs one pool's reconciles one at a time. Events, API calls and timers only {@link #mark} the
 * pool; marks that arrive during a run cause exactly one more run, never a second concurrent one.
 * A run that fails is logged and retried after the engine's {@link Backoff}, so the schedule never
 * dies.
 */
final class PoolRunner {

    private static final System.Logger LOG = System.getLogger(PoolRunner.class.getName());

    private final String template;
    private final Function<String, PoolReconciler.Next> reconcile;
    private final Executor workers;
    private final ScheduledExecutorService timers;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean dirty;
    private ScheduledFuture<?> timer;
    private volatile String lastRunError;
    private final Backoff.State failures;

    PoolRunner(String template, Function<String, PoolReconciler.Next> reconcile, Executor workers,
            ScheduledExecutorService timers, Clock clock, Backoff retry) {
        this.failures = new Backoff.State(retry);
        this.template = template;
        this.reconcile = reconcile;
        this.workers = workers;
        this.timers = timers;
        this.clock = clock;
    }

    /** Asks for a reconcile soon; cheap and non-blocking, safe from any thread. */
    void mark(String reason) {
        LOG.log(System.Logger.Level.DEBUG, () -> template + ": reconcile (" + reason + ")");
        dirty = true;
        if (running.compareAndSet(false, true)) {
            submit(this::run);
        }
    }

    /** After the engine closed, its executors refuse work: there is nothing left to reconcile. */
    private void submit(Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException e) {
            running.set(false);
        }
    }

    private void run() {
        try {
            while (dirty) {
                dirty = false;
                schedule(runOnce());
            }
        } finally {
            running.set(false);
            if (dirty && running.compareAndSet(false, true)) {
                submit(this::run);
            }
        }
    }

    private PoolReconciler.Next runOnce() {
        Thread thread = Thread.currentThread();
        String name = thread.getName();
        thread.setName("dispool-reconcile-" + template);
        try {
            PoolReconciler.Next next = reconcile.apply(template);
            lastRunError = null;
            failures.succeeded();
            return next;
        } catch (RuntimeException e) {
            failures.failed(clock.nanos());
            long waitNanos = failures.waitNanos(clock.nanos());
            String message = template + ": reconcile failed: " + PreloadLifecycle.describe(e) + "; again in "
                    + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms";
            if (!PreloadLifecycle.describe(e).equals(lastRunError)) {
                LOG.log(System.Logger.Level.WARNING, message, e);
            }
            lastRunError = PreloadLifecycle.describe(e);
            return PoolReconciler.Next.after(waitNanos);
        } finally {
            thread.setName(name);
        }
    }

    /** Asks for a reconcile after a host-time delay (a refill timer of the pool's policy). */
    void markAfter(java.time.Duration hostDelay) {
        schedule(new PoolReconciler.Next(hostDelay));
    }

    private synchronized void schedule(PoolReconciler.Next next) {
        if (next.after() == null) {
            return;
        }
        if (timer != null && !timer.isDone() && timer.getDelay(TimeUnit.NANOSECONDS) <= clock.toWallNanos(next.after())) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        try {
            timer = timers.schedule(() -> mark("timer"), clock.toWallNanos(next.after()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            timer = null; // the engine closed
        }
    }

    String lastRunError() {
        return lastRunError;
    }
}
