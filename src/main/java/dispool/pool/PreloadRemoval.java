package dispool.pool;

import dispool.host.Backoff;
import dispool.host.QubesException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The lifecycle's last step: a preload leaves its pool and its qube is removed
 * ({@link PreloadLifecycle}, "free → DISCARDED → killed, removed → REMOVED"). A removal waits
 * until the preload's starter let go of it, and one the host refuses is retried with backoff,
 * so a qube the engine made is never left behind.
 */
final class PreloadRemoval {

    private final LifecycleContext ctx;
    private final PreloadMarking marking;
    private final Backoff retry;

    PreloadRemoval(LifecycleContext ctx, PreloadMarking marking, Backoff retry) {
        this.ctx = ctx;
        this.marking = marking;
        this.retry = retry;
    }

    /** Takes a free preload out of the pool and removes its qube; false when someone owns it already. */
    boolean discard(Pool pool, Preload p, String reason) {
        if (!p.claimForRemoval()) {
            return false;
        }
        ctx.publish(PoolEvent.Type.PRELOAD_DISCARDED, p, reason, Map.of());
        removeWhenSettled(pool, p, reason);
        return true;
    }

    /** Removes the qube once its starter has let go of it, so the two never race on the host. */
    void removeWhenSettled(Pool pool, Preload p, String reason) {
        p.settled.whenComplete((paused, failure) -> ctx.workers.execute(() -> removeQube(pool, p, reason)));
    }

    private void removeQube(Pool pool, Preload p, String reason) {
        p.state = PreloadState.DISCARDED;
        if (p.name == null) {
            forget(pool, p, reason);
        } else {
            removeRetrying(pool, p.name, reason, 0, () -> forget(pool, p, reason));
        }
    }

    private void forget(Pool pool, Preload p, String reason) {
        ctx.leave(pool, p, PreloadState.REMOVED);
        if (p.name != null) {
            marking.writeList(pool);
        }
        ctx.listener.poolChanged(pool, "preload removed: " + reason);
    }

    /** Removes a disposable that never reached its caller, off the caller's thread, retrying until it is gone. */
    void removeEventually(Pool pool, String name, String reason) {
        try {
            ctx.workers.execute(() -> removeRetrying(pool, name, reason, 0, () -> { }));
        } catch (RejectedExecutionException closing) {
            removeWhileClosing(pool, name, reason);
        }
    }

    /** The engine is closing (its workers refuse work): one try on the caller's thread, no retries left to run them. */
    private void removeWhileClosing(Pool pool, String name, String reason) {
        try {
            killAndRemove(name);
        } catch (QubesException e) {
            ctx.warn(pool, "could not remove " + name + " (" + reason + ") as dispool stops: " + PreloadLifecycle.describe(e)
                    + "; if it is still there once dispool runs again, remove it with qvm-kill " + name);
        }
    }

    /**
     * Kills and removes a qube of the pool; when the host refuses, tries again after the engine's
     * {@link Backoff} (host time), so a qube the engine made is never left behind.
     */
    private void removeRetrying(Pool pool, String name, String reason, int attempt, Runnable removed) {
        try {
            killAndRemove(name);
        } catch (QubesException e) {
            Duration delay = retry.delay(attempt + 1);
            ctx.warn(pool, "could not remove " + name + " (" + reason + "): " + PreloadLifecycle.describe(e)
                    + "; trying again in " + delay.toMillis() + " ms");
            try {
                ctx.timers.schedule(() -> ctx.workers.execute(() -> removeRetrying(pool, name, reason, attempt + 1, removed)),
                        ctx.clock.toWallNanos(delay), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException closing) { // the engine stopped between the try and its retry
                ctx.warn(pool, "could not remove " + name + " (" + reason + ") as dispool stops: " + PreloadLifecycle.describe(e)
                        + "; if it is still there once dispool runs again, remove it with qvm-kill " + name);
            }
            return;
        }
        ctx.events.publish(new PoolEvent(PoolEvent.Type.QUBE_REMOVED, pool.template, name, reason, ctx.clock.millis(),
                Map.of()));
        removed.run();
    }

    /**
     * Kills a disposable and removes it when it is left behind; a qube already gone is success.
     * qubesd's Kill returns only after the {@code domain-shutdown} handlers ran, and for an
     * auto-cleanup disposable (every one CreateDisposable makes) they have deleted it
     * (qubes/vm/qubesvm.py {@code kill}, qubes/vm/dispvm.py {@code _auto_cleanup}). So Remove
     * follows only a Kill that found the qube halted: a Remove after a successful Kill would name
     * a qube that no longer exists, which a management qube's qrexec policy refuses (its target is
     * then {@code @default}). A disposable whose auto_cleanup a user turned off stays halted and
     * marked; the next recovery removes it.
     */
    void killAndRemove(String name) {
        try {
            ctx.host.kill(name);
            return;
        } catch (QubesException e) {
            if (e.is(QubesException.VM_NOT_FOUND)) {
                return;
            }
            if (!e.is(QubesException.NOT_STARTED)) {
                throw e;
            }
        }
        try {
            ctx.host.remove(name);
        } catch (QubesException e) {
            if (!e.is(QubesException.VM_NOT_FOUND)) {
                throw e;
            }
        }
    }
}
