package dispool.pool;

import dispool.host.Backoff;
import dispool.host.QubesException;
import dispool.host.QubesHost;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

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
 *
 * <h2>Where each step lives</h2>
 * This class is the lifecycle's one entry point; each step is a class of its own, sharing a
 * {@link LifecycleContext} (host, events, threads, this {@link Listener}):
 * <ul>
 * <li>{@link PreloadStartup}: create, start, wait operational (the readiness services), pause,
 *     ready; a failure at any step, and the backoff that follows.</li>
 * <li>{@link PreloadHandOut}: claim a ready preload and unpause it, claim one still starting,
 *     or start a cold disposable; a preload unpaused outside dispool.</li>
 * <li>{@link PreloadRemoval}: discard, remove once the starter let go, retry what the host
 *     refused, kill-then-remove.</li>
 * <li>{@link PreloadMarking}: the template's list, and the marks a hand-out writes and clears.</li>
 * </ul>
 * What a crash interrupted is finished by {@link Recovery}; how many preloads to start or remove
 * is {@link PoolReconciler}'s decision.
 */
final class PreloadLifecycle {

    static final String WAIT_RUNNING = "qubes.WaitForRunningSystem";
    static final String WAIT_SESSION = "qubes.WaitForSession";

    /** What the lifecycle tells the rest of the engine. */
    interface Listener {
        /** A boot is over (a preload's starter is done with it, or a cold start ended): a start slot is free. */
        void startEnded(Pool pool);

        /** The pool should be reconciled again (a preload left it, failed, or became ready). */
        void poolChanged(Pool pool, String reason);

        /** A ready preload was unpaused outside dispool: it counts as used (a refill follows). */
        void usedElsewhere(Pool pool, String reason);
    }

    private final PreloadMarking marking;
    private final PreloadRemoval removal;
    private final PreloadStartup startup;
    private final PreloadHandOut handOut;

    PreloadLifecycle(QubesHost host, Marks marks, PoolEvents events, MemoryGate memory, PreloadIndex index,
            Executor workers, ScheduledExecutorService timers, Listener listener, Backoff retry, Ownership ownership,
            ColdStarts coldStarts) {
        LifecycleContext ctx = new LifecycleContext(host, marks, events, index, workers, timers, listener);
        this.marking = new PreloadMarking(ctx, ownership);
        this.removal = new PreloadRemoval(ctx, marking, retry);
        this.startup = new PreloadStartup(ctx, memory, marking, removal);
        this.handOut = new PreloadHandOut(ctx, marking, removal, startup, ownership, coldStarts);
    }

    // ---------------------------------------------------------------- startup

    /** Adds a preload to the pool (counted at once) and starts it on a worker. */
    void startPreload(Pool pool, PoolSettings settings) {
        startup.startPreload(pool, settings);
    }

    /** Runs the readiness services within {@code qrexec_timeout} each; throws naming the qube and service. */
    void waitOperational(String qube, PoolSettings settings) {
        startup.waitOperational(qube, settings);
    }

    // ---------------------------------------------------------------- hand-out

    /**
     * Hands out one disposable of the pool: ready, else still starting, else cold (on a worker);
     * {@code used} runs once when a preload counts as used ({@link PreloadHandOut#handOut}).
     */
    HandOut handOut(Pool pool, Runnable used) {
        return handOut.handOut(pool, used);
    }

    /** Someone else unpaused a ready preload: it counts as used, when the qube really runs. */
    void usedElsewhere(Pool pool, Preload p) {
        handOut.usedElsewhere(pool, p);
    }

    /** Makes a handed-out disposable show in menus, unless its DVM template is itself internal. */
    void dropInternal(Pool pool, String name) {
        marking.dropInternal(pool, name);
    }

    // ---------------------------------------------------------------- removal

    /** Takes a free preload out of the pool and removes its qube; false when someone owns it already. */
    boolean discard(Pool pool, Preload p, String reason) {
        return removal.discard(pool, p, reason);
    }

    /** Removes a disposable that never reached its caller, off the caller's thread, retrying until it is gone. */
    void removeEventually(Pool pool, String name, String reason) {
        removal.removeEventually(pool, name, reason);
    }

    /** Kills a disposable and removes it when it is left behind; a qube already gone is success. */
    void killAndRemove(String name) {
        removal.killAndRemove(name);
    }

    // ---------------------------------------------------------------- bookkeeping

    /** Writes the template's list from memory; the last write is the newest ({@link ListWriter}). */
    void writeList(Pool pool) {
        marking.writeList(pool);
    }

    static String describe(Throwable e) {
        return e instanceof QubesException ? e.toString() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
