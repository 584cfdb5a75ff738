package dispool.pool;

import dispool.host.PowerState;
import dispool.host.QubesException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The lifecycle's hand-out ({@link PreloadLifecycle}): a ready preload is claimed and unpaused;
 * without one, the oldest preload still starting is claimed and skips its pause; without that, a
 * cold disposable is started. A preload unpaused outside dispool leaves the pool here too.
 */
final class PreloadHandOut {

    private final LifecycleContext ctx;
    private final PreloadMarking marking;
    private final PreloadRemoval removal;
    private final PreloadStartup startup;
    private final Ownership ownership;
    private final ColdStarts coldStarts;

    PreloadHandOut(LifecycleContext ctx, PreloadMarking marking, PreloadRemoval removal, PreloadStartup startup,
            Ownership ownership, ColdStarts coldStarts) {
        this.ctx = ctx;
        this.marking = marking;
        this.removal = removal;
        this.startup = startup;
        this.ownership = ownership;
        this.coldStarts = coldStarts;
    }

    /**
     * Hands out one disposable of the pool: the first ready preload, else the oldest one still
     * starting (within the requester's wait), else a cold one. Runs on a worker, never a caller's
     * thread. {@code used} runs once when a preload counts as used, as qubesd's
     * {@code use_preload} (the refill follows): a ready one once unpaused, one still starting once
     * its start returned ({@link Preload#booted}), before dispool's readiness wait for the caller.
     */
    HandOut handOut(Pool pool, Runnable used) {
        StageTimer timer = new StageTimer(ctx.clock);
        for (Preload p = pool.claimReady(); p != null; p = pool.claimReady()) {
            HandOut h = handOutReady(pool, p, timer, used);
            if (h != null) {
                return h;
            }
        }
        Preload starting = pool.claimStarting();
        if (starting != null) {
            HandOut h = handOutStarting(pool, starting, timer, used);
            if (h != null) {
                return h;
            }
        }
        return handOutCold(pool, timer);
    }

    private HandOut handOutReady(Pool pool, Preload p, StageTimer timer, Runnable used) {
        p.state = PreloadState.CLAIMED;
        timer.lap("claim");
        return unpauseAndFinish(pool, p, timer, used);
    }

    private HandOut handOutStarting(Pool pool, Preload p, StageTimer timer, Runnable used) {
        Duration wait = pool.settings.requesterWait();
        long deadline = ctx.clock.nanos() + wait.toNanos();
        boolean paused;
        try {
            CompletableFuture.anyOf(p.booted, p.settled).get(wallUntil(deadline), TimeUnit.NANOSECONDS);
            used.run(); // booted (settled completes only after it, or exceptionally, caught below)
            paused = p.settled.get(wallUntil(deadline), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            removal.removeWhenSettled(pool, p, "a requester waited " + wait.toSeconds()
                    + " s for it (1.2 × qrexec_timeout) and went cold");
            return null;
        } catch (ExecutionException e) {
            removal.removeWhenSettled(pool, p, "startup failed while a requester waited");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            removal.removeWhenSettled(pool, p, "the requester was interrupted");
            throw new DispoolException(DispoolException.Kind.UNAVAILABLE, pool.template + ": hand-out interrupted", e);
        }
        if (!pool.isCurrent(p)) {
            // The template changed or was updated while it started: Qubes' request_preload skips it
            // too. The request took its place as a hand-out does (used above), so the refill that
            // follows a use follows (else the template change's 30 s pause leaves the pool empty).
            removal.removeWhenSettled(pool, p, "outdated while a requester waited for it: " + pool.template
                    + " or its TemplateVM changed");
            return null;
        }
        p.state = PreloadState.CLAIMED;
        timer.lap("wait-operational");
        if (paused) {
            return unpauseAndFinish(pool, p, timer, () -> { });
        }
        // Never paused, so still marked in progress: restart recovery would remove it as an
        // interrupted preload. The marks go before the caller gets it (Qubes, too, takes a
        // requested preload off the list first); this path has already waited for a boot.
        // The hand-out mark first: a crash between the two leaves it in progress, so recovery
        // removes it (its caller never got it) instead of leaving an unmarked, unlisted qube.
        ownership.handingOut(p.name);
        marking.markHandedOut(pool, p.name);
        marking.unmark(pool, p.name);
        timer.lap("unmark");
        return finishHandOut(pool, p, timer, timer.totalMillis(), false);
    }

    /** Wall-clock nanoseconds from now until the host time {@code deadlineNanos} (0 once passed). */
    private long wallUntil(long deadlineNanos) {
        return ctx.clock.toWallNanos(Duration.ofNanos(Math.max(0, deadlineNanos - ctx.clock.nanos())));
    }

    private HandOut unpauseAndFinish(Pool pool, Preload p, StageTimer timer, Runnable used) {
        try {
            ctx.host.unpause(p.name);
        } catch (QubesException e) {
            removal.removeWhenSettled(pool, p, "unpause at hand-out failed: " + PreloadLifecycle.describe(e));
            return null;
        }
        timer.lap("unpause");
        // Usable once unpaused: the refill policy's bookkeeping that follows is the engine's, not
        // the disposable's (on a scaled clock its CPU time would count as host time of hand-out).
        double usableAfterMs = timer.lappedMillis();
        used.run();
        return finishHandOut(pool, p, timer, usableAfterMs, true);
    }

    /**
     * A ready preload's marks are cleared after the caller has it: listed, completed and running,
     * restart recovery already counts it as handed out.
     */
    private HandOut finishHandOut(Pool pool, Preload p, StageTimer timer, double usableAfterMs, boolean marksToClear) {
        ctx.leave(pool, p, PreloadState.HANDED_OUT);
        HandOut h = new HandOut(p.name, pool.template, true, timer.stages(), usableAfterMs);
        ctx.publish(PoolEvent.Type.HANDED_OUT, p, "preloaded", Map.of("preloaded", true, "usableAfterMs", h.usableAfterMs()));
        if (marksToClear) {
            ownership.handingOut(p.name);
            EngineThreads.afterHandOut(ctx.workers, () -> {
                marking.markHandedOut(pool, p.name);
                marking.unmark(pool, p.name);
            });
        }
        return h;
    }

    /**
     * A cold disposable: admitted (a start slot, see {@link ColdStarts}), created
     * already marked as handed out, started and waited on, marked in progress until operational.
     */
    private HandOut handOutCold(Pool pool, StageTimer timer) {
        PoolSettings settings = pool.settings;
        ColdStarts.Slot slot = coldStarts.admit(pool.template, settings.memoryMiB());
        try (slot) {
            return startCold(pool, settings, timer, slot);
        } finally {
            ctx.listener.startEnded(pool);
        }
    }

    private HandOut startCold(Pool pool, PoolSettings settings, StageTimer timer, ColdStarts.Slot slot) {
        String name;
        try {
            name = ctx.host.createDisposable(pool.template, ctx.marks.coldCreation(Ownership.now()));
        } catch (QubesException e) {
            throw new DispoolException(DispoolException.Kind.UNAVAILABLE, pool.template + ": no preload ready and no "
                    + "cold disposable could be created: " + PreloadLifecycle.describe(e), e);
        }
        timer.lap("create");
        try {
            ctx.host.start(name);
            timer.lap("start");
            startup.waitOperational(name, settings);
            timer.lap("operational");
            ctx.host.removeFeature(name, ctx.marks.inProgress());
        } catch (RuntimeException e) {
            removal.removeEventually(pool, name, "its cold start failed");
            DispoolException noMemory = slot.refused(name, e);
            if (noMemory != null) {
                throw noMemory;
            }
            throw new DispoolException(DispoolException.Kind.UNAVAILABLE, pool.template + ": no preload ready and the cold "
                    + "disposable " + name + " failed: " + PreloadLifecycle.describe(e), e);
        }
        HandOut h = new HandOut(name, pool.template, false, timer.stages(), timer.totalMillis());
        ctx.events.publish(new PoolEvent(PoolEvent.Type.HANDED_OUT, pool.template, name, "cold: no preload ready",
                ctx.clock.millis(), Map.of("preloaded", false, "usableAfterMs", h.usableAfterMs())));
        return h;
    }

    /**
     * Someone else unpaused a ready preload: it counts as used, as in qubesd. Events arrive late,
     * so the {@code domain-unpaused} that the preload's own start fired may be read only after it
     * was paused: the qube must really be running now, or the event is stale and ignored.
     */
    void usedElsewhere(Pool pool, Preload p) {
        if (p.state == PreloadState.READY && isRunning(p.name) && p.claimForHandOut()) {
            ctx.leave(pool, p, PreloadState.HANDED_OUT);
            ctx.publish(PoolEvent.Type.USED_ELSEWHERE, p, "unpaused outside dispool: counts as used", Map.of());
            marking.unmark(pool, p.name);
            ctx.listener.usedElsewhere(pool, p.name + " used outside dispool");
        }
    }

    private boolean isRunning(String qube) {
        try {
            return ctx.host.qube(qube).state() == PowerState.Running;
        } catch (QubesException e) {
            return false;
        }
    }
}
