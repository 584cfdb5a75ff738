package dispool.pool;

import dispool.host.QubesException;
import dispool.host.ServiceResult;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The lifecycle's first steps ({@link PreloadLifecycle}): create, start, wait until operational,
 * pause, become ready. All or nothing: a failure at any step removes the qube and backs the pool
 * off; each step first checks the preload is still wanted.
 */
final class PreloadStartup {

    private static final System.Logger LOG = System.getLogger(PreloadLifecycle.class.getName());

    /** Thrown inside a starter when its preload was discarded meanwhile: stop, the remover cleans up. */
    private static final class Abandoned extends RuntimeException {
        Abandoned() {
            super(null, null, false, false);
        }
    }

    private final LifecycleContext ctx;
    private final MemoryGate memory;
    private final PreloadMarking marking;
    private final PreloadRemoval removal;
    private final PreloadMemory memoryHeld;

    PreloadStartup(LifecycleContext ctx, MemoryGate memory, PreloadMarking marking, PreloadRemoval removal) {
        this.ctx = ctx;
        this.memory = memory;
        this.marking = marking;
        this.removal = removal;
        this.memoryHeld = new PreloadMemory(ctx.host);
    }

    /** Adds a preload to the pool (counted at once) and starts it on a worker. */
    void startPreload(Pool pool, PoolSettings settings) {
        Preload p = new Preload(pool.template, pool.generation, ctx.clock.nanos(), PreloadState.CREATING);
        pool.preloads.add(p);
        ctx.workers.execute(() -> runStartup(pool, p, settings));
    }

    /**
     * The memory the gate reserved for it stays reserved until the host is asked to start it (or
     * it is gone). From then on the host's own memory request judges it: qmemman serves the
     * requests one after another from what is free (qubes/tools/qmemmand.py, release4.3) and its
     * figure counts the qube from its start on, so a reservation held through the start counted it
     * twice and held back refills qubesd makes (the full differential grid: 28 of 40 from the pool
     * where qubesd served 39, "preloads wait for memory" with two starts under way).
     */
    private void runStartup(Pool pool, Preload p, PoolSettings settings) {
        boolean reserved = true;
        try {
            p.name = ctx.host.createDisposable(pool.template, ctx.marks.preloadCreation());
            ctx.index.put(p);
            ctx.publish(PoolEvent.Type.PRELOAD_STARTED, p, "filling the pool", Map.of());
            marking.writeList(pool);
            step(p, PreloadState.STARTING);
            memory.release(settings.memoryMiB());
            reserved = false;
            ctx.host.start(p.name);
            p.booted.complete(null);
            step(p, PreloadState.WAITING_OPERATIONAL);
            waitOperational(p.name, settings);
            if (p.isClaimedForHandOut()) {
                p.settled.complete(Boolean.FALSE);
                return;
            }
            step(p, PreloadState.PAUSING);
            ctx.host.pause(p.name);
            memoryHeld.afterPause(p); // what it keeps from other qubes while paused (row 14), known once it is ready
            ctx.host.setFeature(p.name, ctx.marks.completed(), "1");
            ctx.host.setFeature(p.name, ctx.marks.inProgress(), "");
            becomeReady(pool, p);
        } catch (Abandoned e) {
            p.settled.completeExceptionally(e);
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                p.settled.completeExceptionally(e); // engine shutting down: the next start's recovery cleans up
            } else {
                startupFailed(pool, p, e);
            }
        } finally {
            if (reserved) {
                memory.release(settings.memoryMiB());
            }
            ctx.listener.startEnded(pool);
        }
    }

    private void step(Preload p, PreloadState next) {
        if (p.isClaimedForRemoval()) {
            throw new Abandoned();
        }
        p.state = next;
    }

    private void becomeReady(Pool pool, Preload p) {
        pool.backoff.succeeded();
        pool.lastFailure = null;
        ctx.publish(PoolEvent.Type.PRELOAD_READY, p, "operational and paused",
                Map.of("startupMs", (ctx.clock.nanos() - p.createdNanos) / 1_000_000));
        p.state = PreloadState.READY;
        p.settled.complete(Boolean.TRUE);
        if (p.generation != pool.generation || p.outdated) {
            removal.discard(pool, p, "outdated: " + pool.template + " changed while it was starting");
        }
    }

    private void startupFailed(Pool pool, Preload p, RuntimeException e) {
        PreloadState at = p.state;
        long now = ctx.clock.nanos(); // one reading: a thread stalled in between would report the wait as 0 ms
        pool.backoff.failed(now);
        long waitMs = TimeUnit.NANOSECONDS.toMillis(pool.backoff.waitNanos(now));
        String reason = pool.template + ": preload " + (p.name == null ? "" : p.name + " ") + "failed at " + at + ": "
                + PreloadLifecycle.describe(e) + "; next attempt in " + waitMs + " ms (failure "
                + pool.backoff.failures() + ")";
        pool.lastFailure = reason;
        LOG.log(System.Logger.Level.WARNING, reason);
        ctx.publish(PoolEvent.Type.PRELOAD_FAILED, p, reason, Map.of("stage", at.name(), "retryInMs", waitMs));
        p.settled.completeExceptionally(e);
        if (p.claimForRemoval()) {
            removal.removeWhenSettled(pool, p, "startup failed");
        }
    }

    /**
     * Runs the readiness services within {@code qrexec_timeout} each, as qubesd does for its
     * preloads; throws naming the qube, the service and what it said.
     */
    void waitOperational(String qube, PoolSettings settings) {
        runReadiness(qube, PreloadLifecycle.WAIT_RUNNING, settings.qrexecTimeout());
        if (settings.waitForSession()) {
            runReadiness(qube, PreloadLifecycle.WAIT_SESSION, settings.qrexecTimeout());
        }
    }

    private void runReadiness(String qube, String service, Duration timeout) {
        ServiceResult r = ctx.host.runService(qube, service, timeout);
        if (!r.succeeded()) {
            throw new QubesException(QubesException.VM_ERROR, "Error on call to '" + service + "' in " + qube
                    + ": exit status " + r.exitStatus() + (r.stderr().isEmpty() ? "" : ": " + r.stderr().strip()));
        }
    }
}
