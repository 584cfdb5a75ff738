package dispool.pool;

import dispool.host.Clock;
import dispool.host.PowerState;
import dispool.host.QubesException;
import dispool.host.QubesHost;
import dispool.host.ServiceResult;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The preload lifecycle: how one disposable is made ahead of a request, handed out, or removed.
 * This is the one place that changes a preload's state; {@link PoolReconciler} (with the pool's
 * {@link RefillPolicy}) only decides how many to start or remove.
 *
 * <h2>Goals (after Qubes' DispVM class documentation, qubes/vm/dispvm.py)</h2>
 * <ol>
 * <li><b>Fast</b>: a hand-out from a ready pool is one compare-and-set and one unpause; every
 *     other host call (bookkeeping, refill) happens off the caller's path.</li>
 * <li><b>Safe</b>: a disposable is handed out at most once ({@link Preload#claim}), never before
 *     it is operational, never when outdated.</li>
 * <li><b>Nothing leaks</b>: every qube the engine creates ends handed out, in a pool, or removed,
 *     also across a crash of dispool ({@link Recovery} finishes what a crash interrupted).</li>
 * <li><b>Calm under failure</b>: a failing host makes a pool back off, never spin.</li>
 * </ol>
 *
 * <h2>Stages</h2>
 * <pre>
 *  CREATING → STARTING → WAITING_OPERATIONAL → PAUSING → READY (paused)
 *      any failure → removed, reason recorded, pool backs off          (startup)
 *  READY → CLAIMED → unpause → HANDED_OUT (no longer ours)              (hand-out)
 *  starting + claimed → skip the pause → HANDED_OUT when operational    (early request)
 *                    → outdated meanwhile → removed, the requester goes cold (counts as a use)
 *  free → DISCARDED → killed, removed → REMOVED                         (outdated, excess, suspend)
 * </pre>
 *
 * <h2>Marks that survive a restart ({@link Marks})</h2>
 * Created with {@code internal=1} and {@code preload-dispvm-in-progress=1} in the same host step
 * as the qube; its name is then added to the template's {@code preload-dispvm} list; once paused
 * it gets {@code preload-dispvm-completed=1} and an empty in-progress. At hand-out the name leaves
 * the list and {@code internal} is deleted (kept when the DVM template is internal itself, as Qubes
 * does; {@code InternalTemplateTest}): after the caller has it for a ready preload (listed,
 * completed and running already reads as handed out), before for one claimed during startup
 * (still in progress, it would read as interrupted; {@code requestDuringStartupSkipsThePause}). On restart, in-progress qubes are removed and
 * completed paused ones are kept ({@link Recovery}).
 *
 * <h2>Rules, and the tests that hold them ({@code PreloadLifecycleTest} unless named)</h2>
 * <ul>
 * <li>Startup is all or nothing: a failure at any step removes the qube from the list, kills and
 *     removes it, records the reason, and backs the pool off ({@code failedStartupRemovesTheQubeAndBacksOff},
 *     {@code PoolFaultTest.aHungReadinessCallTimesOutAndThePreloadIsRemoved}).</li>
 * <li>A request that finds no ready preload claims the oldest one still starting; that one skips
 *     its pause and is handed out once operational. The requester waits at most
 *     1.2 × {@code qrexec_timeout}, then goes cold, and the slow preload is removed when its
 *     starter lets go of it ({@code requestDuringStartupSkipsThePause}).</li>
 * <li>An empty pool hands out a cold disposable (create, start, wait operational); the reconciler
 *     fills the gap when the pool's {@link RefillPolicy} says (Qubes' stacked refill timers,
 *     {@code QubesRefillPolicy}: {@code SteadyStreamTest}) ({@code emptyPoolFallsBackToCold}).</li>
 * <li>Each starter step first checks the preload is still wanted; a preload discarded while
 *     starting is removed as soon as its starter lets go ({@code KnobRaceTest}).</li>
 * <li>A preload that finishes starting from an older template generation is discarded, never
 *     handed out ({@code outdatedPreloadsAreDiscardedAndRefilled}).</li>
 * <li>Outdated volumes (Qubes' {@code is_outdated}: the TemplateVM was updated or the DVM
 *     template's private changed after the preload started) are read after the
 *     {@code domain-shutdown} of either (hand-outs wait for that read), on the periodic resync
 *     and at restart; an outdated preload is never handed out: free ones are discarded, and a
 *     requester that claimed one still starting checks again after its wait and goes cold
 *     ({@code OutdatedVolumesTest}); that request counts as a use, so the pool refills after
 *     {@code preload-dispvm-delay} as after the hand-out it nearly was, not only after the
 *     template change's 30 s pause ({@code TemplateChangeRefillTest}).</li>
 * <li>An unpause dispool did not make (say {@code qvm-unpause}) counts as a use: the preload leaves
 *     the pool. The {@code domain-unpaused} that every start fires is not one, even when read
 *     late ({@code unpauseByUserCountsAsUsed}, {@code aLateUnpauseEventOfTheStartIsNotAUse}).</li>
 * <li>Removing a qube that is already gone is success; a removal the host refuses is retried
 *     with backoff ({@code PoolFaultTest.removalIsRetried}); random failures of every host call
 *     leak nothing and hand out nothing twice ({@code PoolFaultTest}).</li>
 * </ul>
 */
final class PreloadLifecycle {

    static final String WAIT_RUNNING = "qubes.WaitForRunningSystem";
    static final String WAIT_SESSION = "qubes.WaitForSession";
    private static final System.Logger LOG = System.getLogger(PreloadLifecycle.class.getName());

    /** Thrown inside a starter when its preload was discarded meanwhile: stop, the remover cleans up. */
    private static final class Abandoned extends RuntimeException {
        Abandoned() {
            super(null, null, false, false);
        }
    }

    /** What the lifecycle tells the rest of the engine. */
    interface Listener {
        /** A boot is over (a preload's starter is done with it, or a cold start ended): a start slot is free. */
        void startEnded(Pool pool);

        /** The pool should be reconciled again (a preload left it, failed, or became ready). */
        void poolChanged(Pool pool, String reason);

        /** A ready preload was unpaused outside dispool: it counts as used (a refill follows). */
        void usedElsewhere(Pool pool, String reason);

        /**
         * A requester's claimed preload turned outdated while it waited, so the requester goes
         * cold: the request took the preload's place as a hand-out does, and the refill that
         * follows a use follows (else the template change's 30 s pause leaves the pool empty).
         */
        void usedByColdRequest(Pool pool, String reason);
    }

    private final QubesHost host;
    private final Clock clock;
    private final Marks marks;
    private final PoolEvents events;
    private final MemoryGate memory;
    private final PreloadIndex index;
    private final Executor workers;
    private final ScheduledExecutorService timers;
    private final Listener listener;
    private final Backoff retry;
    private final Ownership ownership;
    private final ColdStarts coldStarts;

    PreloadLifecycle(QubesHost host, Marks marks, PoolEvents events, MemoryGate memory, PreloadIndex index,
            Executor workers, ScheduledExecutorService timers, Listener listener, Backoff retry, Ownership ownership,
            ColdStarts coldStarts) {
        this.retry = retry;
        this.host = host;
        this.clock = host.clock();
        this.marks = marks;
        this.events = events;
        this.memory = memory;
        this.index = index;
        this.workers = workers;
        this.timers = timers;
        this.listener = listener;
        this.ownership = ownership;
        this.coldStarts = coldStarts;
    }

    // ---------------------------------------------------------------- startup

    /** Adds a preload to the pool (counted at once) and starts it on a worker. */
    void startPreload(Pool pool, PoolSettings settings) {
        Preload p = new Preload(pool.template, pool.generation, clock.nanos(), PreloadState.CREATING);
        pool.preloads.add(p);
        workers.execute(() -> runStartup(pool, p, settings));
    }

    /** The memory the gate reserved for it stays reserved until it is ready or gone (the finally). */
    private void runStartup(Pool pool, Preload p, PoolSettings settings) {
        try {
            p.name = host.createDisposable(pool.template, marks.preloadCreation());
            index.put(p);
            publish(PoolEvent.Type.PRELOAD_STARTED, p, "filling the pool", Map.of());
            writeList(pool);
            step(p, PreloadState.STARTING);
            host.start(p.name);
            step(p, PreloadState.WAITING_OPERATIONAL);
            waitOperational(p.name, settings);
            if (p.isClaimedForHandOut()) {
                p.settled.complete(Boolean.FALSE);
                return;
            }
            step(p, PreloadState.PAUSING);
            host.pause(p.name);
            host.setFeature(p.name, marks.completed(), "1");
            host.setFeature(p.name, marks.inProgress(), "");
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
            memory.release(settings.memoryMiB());
            listener.startEnded(pool);
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
        publish(PoolEvent.Type.PRELOAD_READY, p, "operational and paused",
                Map.of("startupMs", (clock.nanos() - p.createdNanos) / 1_000_000));
        p.state = PreloadState.READY;
        p.settled.complete(Boolean.TRUE);
        if (p.generation != pool.generation || p.outdated) {
            discard(pool, p, "outdated: " + pool.template + " changed while it was starting");
        }
    }

    private void startupFailed(Pool pool, Preload p, RuntimeException e) {
        PreloadState at = p.state;
        pool.backoff.failed(clock.nanos());
        long waitMs = TimeUnit.NANOSECONDS.toMillis(pool.backoff.waitNanos(clock.nanos()));
        String reason = pool.template + ": preload " + (p.name == null ? "" : p.name + " ") + "failed at " + at + ": "
                + describe(e) + "; next attempt in " + waitMs + " ms (failure " + pool.backoff.failures() + ")";
        pool.lastFailure = reason;
        LOG.log(System.Logger.Level.WARNING, reason);
        publish(PoolEvent.Type.PRELOAD_FAILED, p, reason, Map.of("stage", at.name(), "retryInMs", waitMs));
        p.settled.completeExceptionally(e);
        if (p.claimForRemoval()) {
            removeWhenSettled(pool, p, "startup failed");
        }
    }

    /**
     * Runs the readiness services within {@code qrexec_timeout} each, as qubesd does for its
     * preloads; throws naming the qube, the service and what it said.
     */
    void waitOperational(String qube, PoolSettings settings) {
        runReadiness(qube, WAIT_RUNNING, settings.qrexecTimeout());
        if (settings.waitForSession()) {
            runReadiness(qube, WAIT_SESSION, settings.qrexecTimeout());
        }
    }

    private void runReadiness(String qube, String service, Duration timeout) {
        ServiceResult r = host.runService(qube, service, timeout);
        if (!r.succeeded()) {
            throw new QubesException(QubesException.VM_ERROR, "Error on call to '" + service + "' in " + qube
                    + ": exit status " + r.exitStatus() + (r.stderr().isEmpty() ? "" : ": " + r.stderr().strip()));
        }
    }

    // ---------------------------------------------------------------- hand-out

    /**
     * Hands out one disposable of the pool: the first ready preload, else the oldest one still
     * starting (within the requester's wait), else a cold one. Runs on a worker, never a caller's
     * thread.
     */
    HandOut handOut(Pool pool) {
        StageTimer timer = new StageTimer(clock);
        for (Preload p = pool.claimReady(); p != null; p = pool.claimReady()) {
            HandOut h = handOutReady(pool, p, timer);
            if (h != null) {
                return h;
            }
        }
        Preload starting = pool.claimStarting();
        if (starting != null) {
            HandOut h = handOutStarting(pool, starting, timer);
            if (h != null) {
                return h;
            }
        }
        return handOutCold(pool, timer);
    }

    private HandOut handOutReady(Pool pool, Preload p, StageTimer timer) {
        p.state = PreloadState.CLAIMED;
        timer.lap("claim");
        return unpauseAndFinish(pool, p, timer);
    }

    private HandOut handOutStarting(Pool pool, Preload p, StageTimer timer) {
        Duration wait = pool.settings.requesterWait();
        boolean paused;
        try {
            paused = p.settled.get(clock.toWallNanos(wait), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            removeWhenSettled(pool, p, "a requester waited " + wait.toSeconds() + " s for it (1.2 × qrexec_timeout) and went cold");
            return null;
        } catch (ExecutionException e) {
            removeWhenSettled(pool, p, "startup failed while a requester waited");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            removeWhenSettled(pool, p, "the requester was interrupted");
            throw new DispoolException(DispoolException.Kind.UNAVAILABLE, pool.template + ": hand-out interrupted", e);
        }
        if (!pool.isCurrent(p)) {
            // The template changed or was updated while it started: Qubes' request_preload skips it too.
            String reason = "outdated while a requester waited for it: " + pool.template + " or its TemplateVM changed";
            removeWhenSettled(pool, p, reason);
            listener.usedByColdRequest(pool, reason);
            return null;
        }
        p.state = PreloadState.CLAIMED;
        timer.lap("wait-operational");
        if (paused) {
            return unpauseAndFinish(pool, p, timer);
        }
        // Never paused, so still marked in progress: restart recovery would remove it as an
        // interrupted preload. The marks go before the caller gets it (Qubes, too, takes a
        // requested preload off the list first); this path has already waited for a boot.
        // The hand-out mark first: a crash between the two leaves it in progress, so recovery
        // removes it (its caller never got it) instead of leaving an unmarked, unlisted qube.
        ownership.handingOut(p.name);
        markHandedOut(pool, p.name);
        unmark(pool, p.name);
        timer.lap("unmark");
        return finishHandOut(pool, p, timer, false);
    }

    private HandOut unpauseAndFinish(Pool pool, Preload p, StageTimer timer) {
        try {
            host.unpause(p.name);
        } catch (QubesException e) {
            removeWhenSettled(pool, p, "unpause at hand-out failed: " + describe(e));
            return null;
        }
        timer.lap("unpause");
        return finishHandOut(pool, p, timer, true);
    }

    /**
     * A ready preload's marks are cleared after the caller has it: listed, completed and running,
     * restart recovery already counts it as handed out.
     */
    private HandOut finishHandOut(Pool pool, Preload p, StageTimer timer, boolean marksToClear) {
        p.state = PreloadState.HANDED_OUT;
        pool.preloads.remove(p);
        index.remove(p);
        HandOut h = new HandOut(p.name, pool.template, true, timer.stages(), timer.totalMillis());
        publish(PoolEvent.Type.HANDED_OUT, p, "preloaded", Map.of("preloaded", true, "usableAfterMs", h.usableAfterMs()));
        if (marksToClear) {
            ownership.handingOut(p.name);
            workers.execute(() -> {
                markHandedOut(pool, p.name);
                unmark(pool, p.name);
            });
        }
        return h;
    }

    /**
     * A cold disposable: admitted (a start slot and its memory, see {@link ColdStarts}), created
     * already marked as handed out, started and waited on, marked in progress until operational.
     */
    private HandOut handOutCold(Pool pool, StageTimer timer) {
        PoolSettings settings = pool.settings;
        ColdStarts.Slot slot = coldStarts.admit(pool.template, settings.memoryMiB());
        try (slot) {
            return startCold(pool, settings, timer);
        } finally {
            listener.startEnded(pool);
        }
    }

    private HandOut startCold(Pool pool, PoolSettings settings, StageTimer timer) {
        String name;
        try {
            name = host.createDisposable(pool.template, marks.coldCreation(Ownership.now()));
        } catch (QubesException e) {
            throw new DispoolException(DispoolException.Kind.UNAVAILABLE, pool.template + ": no preload ready and no "
                    + "cold disposable could be created: " + describe(e), e);
        }
        timer.lap("create");
        try {
            host.start(name);
            timer.lap("start");
            waitOperational(name, settings);
            timer.lap("operational");
            host.removeFeature(name, marks.inProgress());
        } catch (RuntimeException e) {
            removeEventually(pool, name, "its cold start failed");
            throw new DispoolException(DispoolException.Kind.UNAVAILABLE, pool.template + ": no preload ready and the cold "
                    + "disposable " + name + " failed: " + describe(e), e);
        }
        HandOut h = new HandOut(name, pool.template, false, timer.stages(), timer.totalMillis());
        events.publish(new PoolEvent(PoolEvent.Type.HANDED_OUT, pool.template, name, "cold: no preload ready",
                clock.millis(), Map.of("preloaded", false, "usableAfterMs", h.usableAfterMs())));
        return h;
    }

    /**
     * Someone else unpaused a ready preload: it counts as used, as in qubesd. Events arrive late,
     * so the {@code domain-unpaused} that the preload's own start fired may be read only after it
     * was paused: the qube must really be running now, or the event is stale and ignored.
     */
    void usedElsewhere(Pool pool, Preload p) {
        if (p.state == PreloadState.READY && isRunning(p.name) && p.claimForHandOut()) {
            p.state = PreloadState.HANDED_OUT;
            pool.preloads.remove(p);
            index.remove(p);
            publish(PoolEvent.Type.USED_ELSEWHERE, p, "unpaused outside dispool: counts as used", Map.of());
            unmark(pool, p.name);
            listener.usedElsewhere(pool, p.name + " used outside dispool");
        }
    }

    private boolean isRunning(String qube) {
        try {
            return host.qube(qube).state() == PowerState.Running;
        } catch (QubesException e) {
            return false;
        }
    }

    /** Writes the hand-out mark; while it is not written the engine still knows it handed the qube out. */
    private void markHandedOut(Pool pool, String name) {
        try {
            ownership.mark(name);
        } catch (QubesException e) {
            warn(pool, name + " was handed out but its mark " + Ownership.FEATURE + " could not be written: "
                    + describe(e) + "; its caller can remove it while this dispool runs");
        }
    }

    /** After a hand-out: out of the template's list, visible in menus, no longer in progress. */
    private void unmark(Pool pool, String name) {
        writeList(pool);
        try {
            dropInternal(pool, name);
            host.removeFeature(name, marks.inProgress());
        } catch (QubesException e) {
            if (!e.is(QubesException.VM_NOT_FOUND)) { // already removed by its user: no marks left to clear
                warn(pool, name + " was handed out but its marks could not be cleared: " + describe(e));
            }
        }
    }

    /**
     * Makes a handed-out disposable show in menus, unless its DVM template is itself internal:
     * then it inherited {@code internal} and keeps it ({@code DispVM.use_preload}).
     */
    void dropInternal(Pool pool, String name) {
        if (host.feature(pool.template, marks.internal()).orElse("").isEmpty()) {
            host.removeFeature(name, marks.internal());
        }
    }

    // ---------------------------------------------------------------- removal

    /** Takes a free preload out of the pool and removes its qube; false when someone owns it already. */
    boolean discard(Pool pool, Preload p, String reason) {
        if (!p.claimForRemoval()) {
            return false;
        }
        publish(PoolEvent.Type.PRELOAD_DISCARDED, p, reason, Map.of());
        removeWhenSettled(pool, p, reason);
        return true;
    }

    /** Removes the qube once its starter has let go of it, so the two never race on the host. */
    private void removeWhenSettled(Pool pool, Preload p, String reason) {
        p.settled.whenComplete((paused, failure) -> workers.execute(() -> removeQube(pool, p, reason)));
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
        p.state = PreloadState.REMOVED;
        pool.preloads.remove(p);
        index.remove(p);
        if (p.name != null) {
            writeList(pool);
        }
        listener.poolChanged(pool, "preload removed: " + reason);
    }

    /** Removes a disposable that never reached its caller, off the caller's thread, retrying until it is gone. */
    void removeEventually(Pool pool, String name, String reason) {
        workers.execute(() -> removeRetrying(pool, name, reason, 0, () -> { }));
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
            warn(pool, "could not remove " + name + " (" + reason + "): " + describe(e) + "; trying again in "
                    + delay.toMillis() + " ms");
            timers.schedule(() -> workers.execute(() -> removeRetrying(pool, name, reason, attempt + 1, removed)),
                    clock.toWallNanos(delay), TimeUnit.NANOSECONDS);
            return;
        }
        events.publish(new PoolEvent(PoolEvent.Type.QUBE_REMOVED, pool.template, name, reason, clock.millis(), Map.of()));
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
            host.kill(name);
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
            host.remove(name);
        } catch (QubesException e) {
            if (!e.is(QubesException.VM_NOT_FOUND)) {
                throw e;
            }
        }
    }

    // ---------------------------------------------------------------- bookkeeping

    /** Writes the template's list from memory; the last write is the newest ({@link ListWriter}). */
    void writeList(Pool pool) {
        pool.listWriter.write(() -> String.join(" ", pool.listedNames()), value -> {
            try {
                if (!value.equals(host.feature(pool.template, marks.list()).orElse(""))) {
                    host.setFeature(pool.template, marks.list(), value);
                }
            } catch (QubesException e) {
                warn(pool, "could not write " + marks.list() + " of " + pool.template + ": " + describe(e));
            }
        });
    }

    private void warn(Pool pool, String message) {
        LOG.log(System.Logger.Level.WARNING, message);
        events.publish(new PoolEvent(PoolEvent.Type.WARNING, pool.template, null, message, clock.millis(), Map.of()));
    }

    private void publish(PoolEvent.Type type, Preload p, String reason, Map<String, Object> data) {
        events.publish(new PoolEvent(type, p.template, p.name, reason, clock.millis(), data));
    }

    static String describe(Throwable e) {
        return e instanceof QubesException ? e.toString() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
