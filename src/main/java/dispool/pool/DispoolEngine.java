package dispool.pool;

import dispool.host.Clock;
import dispool.host.QubeInfo;
import dispool.host.QubesHost;
import dispool.host.ServiceResult;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * dispool's engine: one pool of preloaded disposables per DVM template, on any {@link QubesHost}.
 * This class wires the parts and is what the REST API, the CLI and benchmarks call: who keeps the
 * pools is a {@link Preloading} (dispool's own, {@link ManagedPreloading}, or qubesd's,
 * {@link HostPreloads}); the preload lifecycle itself is in {@link PreloadLifecycle}, the
 * per-pool decisions in {@link PoolReconciler} and its {@link RefillPolicy}, the catch-up after
 * missed events in {@link HostCatchUp}. Its public calls answer a {@link DispoolException}, the
 * host's refusals included ({@link HostErrors}); only {@link #start} lets the host's own error
 * through, as the service cannot start without the host. The engine's other parts, each answering one kind of call:
 * <ul>
 * <li>{@link EngineKnobs}: the settings, written as Qubes features;</li>
 * <li>{@link HandedOutDisposables}: what a caller may do with a disposable it was handed;</li>
 * <li>{@link HostSuspend}: draining before the host sleeps, refilling after;</li>
 * <li>{@link EngineRunners}: when each pool is reconciled, answering {@link LifecycleReactions}
 *     (the lifecycle) and {@link HostEventReactions} (the host's events);</li>
 * <li>{@link DvmTemplates}: which pool a request names, refused with what to do.</li>
 * </ul>
 *
 * <p>The knobs live on the host as Qubes features ({@link PreloadFeatures}); setting one here
 * writes the feature, and the engine reacts to the feature event exactly as it does when a user
 * runs {@code qvm-features}.
 */
public final class DispoolEngine implements AutoCloseable {

    private final QubesHost host;
    private final Clock clock;
    private final EngineSettings settings;
    private final PoolEvents events = new PoolEvents();
    private final PreloadIndex index = new PreloadIndex();
    private final ExecutorService workers;
    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1,
            EngineThreads.named("dispool-timer"));
    private final SettingsReader reader;
    private final DvmTemplates templates;
    private final EngineRunners runners;
    private final HostSuspend suspend;
    private final UserIntents intents;
    private final Recovery recovery;
    private final HostCatchUp catchUp;
    private final EngineKnobs knobs;
    private final HandedOutDisposables disposables;
    /** dispool's own pools, or the host's ({@link PreloadOwner}). */
    private final Preloading preloading;
    /**
     * Until a lost event stream is connected again every pool stays suspect (nothing handed out
     * that may be outdated), until the reconcile after the reconnect compared the templates again.
     */
    private final HostEventSubscription hostEvents;

    public DispoolEngine(QubesHost host, EngineSettings settings) {
        this.host = host;
        this.clock = host.clock();
        this.settings = settings;
        this.workers = EngineThreads.boundedWorkers(settings.limits().workers());
        MemoryGate memory = new MemoryGate(host::availableMemory);
        this.reader = new SettingsReader(host, settings);
        Ownership ownership = new Ownership(host);
        ColdStarts coldStarts = new ColdStarts(settings.limits().maxColdStarts(), memory, clock);
        StartCapacity starts = new StartCapacity(
                () -> index.pools().stream().mapToInt(Pool::startsUnderWay).sum() + coldStarts.running());
        events.addListener(starts);
        RefillPolicies refill = new RefillPolicies(host, events, starts);
        this.templates = new DvmTemplates(host, reader, index, settings.backoff());
        this.runners = new EngineRunners(index, workers, timers, clock, settings.backoff(), refill, templates,
                this::reconcileTemplate, this::catchUp);
        this.suspend = new HostSuspend(index, runners, clock, settings.suspendTimeout());
        PreloadLifecycle lifecycle = new PreloadLifecycle(host, settings.marks(), events, memory, index, workers, timers,
                new LifecycleReactions(index, runners, refill, clock, suspend::checkDrained), settings.backoff(),
                ownership, coldStarts);
        OutdatedVolumes volumes = new OutdatedVolumes(host);
        PoolReconciler reconciler = new PoolReconciler(reader, lifecycle, memory, events, clock, settings.memoryRetry(),
                refill, volumes);
        this.recovery = new Recovery(host, settings.marks(), lifecycle, index, events, volumes);
        this.catchUp = new HostCatchUp(host, index, lifecycle, reader.guardsHostPreloads());
        HostEventRouter router = new HostEventRouter(index,
                new HostEventReactions(index, runners, workers, catchUp, lifecycle));
        this.intents = new UserIntents(index, runners, clock);
        this.hostEvents = new HostEventSubscription(host, settings.backoff(), timers, e -> {
            intents.route(e); // before the router: the pre-events of commands qubesd refuses while preloads exist
            router.route(e);
        },
                () -> index.pools().forEach(p -> p.templateSuspect = true));
        this.knobs = new EngineKnobs(host, index, templates, reader, new PreloadSupport(host, settings.rules()), refill,
                runners);
        this.disposables = new HandedOutDisposables(host, index, lifecycle, ownership);
        this.preloading = settings.owner() == PreloadOwner.HOST
                ? new HostPreloads(host, lifecycle, events, reader, ownership, workers, coldStarts, new PreloadMemory(host))
                : new ManagedPreloading(lifecycle, reconciler, refill, runners, clock, new PreloadMemory(host));
    }

    /**
     * Rebuilds every pool from the host (restart recovery), subscribes to host events, then fills.
     * Throws when the host cannot be listed: nothing is touched while the host cannot be seen.
     */
    public void start() {
        recovery.removeUnfinishedCreations(); // before the listing, which the pools then read: no qube of it is gone
        List<QubeInfo> qubes = host.listQubes();
        for (String template : catchUp.dvmTemplates(qubes)) {
            Pool pool = templates.poolFor(template);
            reader.refresh(pool);
            recovery.recover(pool, qubes, pool.settings.fingerprint());
        }
        catchUp("service start"); // before the first fill: qubesd's own preloads, if any
        hostEvents.start();
        long resync = clock.toWallNanos(settings.resyncInterval());
        timers.scheduleWithFixedDelay(runners::resync, resync, resync, TimeUnit.NANOSECONDS);
        index.pools().forEach(p -> runners.mark(p.template, "service start"));
    }

    // ---------------------------------------------------------------- hand-out

    /** Hands out a disposable of {@code template}: preloaded when one is ready, cold otherwise. */
    public Uni<HandOut> handOut(String template) {
        return HostErrors.uni(Uni.createFrom().item(() -> handOutNow(template)).runSubscriptionOn(workers));
    }

    /** Hands out a disposable of the global {@code default_dispvm}. */
    public Uni<HandOut> handOutDefault() {
        return HostErrors.uni(Uni.createFrom().item(() -> handOutNow(templates.defaultDispvm())).runSubscriptionOn(workers));
    }

    /**
     * Hands out on the calling thread, which must be free to block while a cold start runs
     * (seconds): for callers with threads of their own, such as the CLI and the benchmarks. The
     * REST API uses {@link #handOut}, which moves the work to an engine worker.
     */
    public HandOut handOutOnCallerThread(String template) {
        return HostErrors.call(() -> handOutNow(template));
    }

    private HandOut handOutNow(String template) {
        Pool pool = templates.requireDvmTemplate(template);
        return preloading.handOut(pool);
    }

    /**
     * Removes a disposable dispool handed out (kill; an auto-cleanup disposable then vanishes).
     * Anything else is refused FORBIDDEN and left untouched ({@link HandedOutDisposables}).
     */
    public Uni<Void> removeDisposable(String name) {
        PreloadFeatures.validateQubeName("name", name);
        return HostErrors.uni(Uni.createFrom().<Void>item(() -> {
            disposables.remove(name);
            return null;
        }).runSubscriptionOn(workers));
    }

    /**
     * Runs a qrexec service (e.g. qubes.VMExec+ARGS) in a disposable dispool handed out, under
     * the same ownership rules as {@link #removeDisposable}; a call that outlives {@code timeout}
     * ends with exit status 124, as timeout(1) reports it.
     */
    public Uni<ServiceResult> runInDisposable(String name, String service, Duration timeout) {
        PreloadFeatures.validateQubeName("name", name);
        return HostErrors.uni(Uni.createFrom().item(() -> disposables.run(name, service, timeout)).runSubscriptionOn(workers));
    }

    // ---------------------------------------------------------------- knobs (EngineKnobs)

    /** Sets the template's preload-dispvm-max (validated first; nothing changes on bad input). */
    public void setMax(String template, String value) {
        HostErrors.run(() -> knobs.setMax(template, value));
    }

    public void unsetMax(String template) {
        HostErrors.run(() -> knobs.unsetMax(template));
    }

    /** The refill policy of pools whose template names none ({@code dispool.engine.policy}): qubes or adaptive. */
    public void setDefaultPolicy(String policy) {
        HostErrors.run(() -> knobs.setDefaultPolicy(policy));
    }

    /** Sets the template's refill policy ({@code preload-dispvm-x-dispool-policy}); it takes effect at once. */
    public void setPolicy(String template, String policy) {
        HostErrors.run(() -> knobs.setPolicy(template, policy));
    }

    /** Removes the template's {@code preload-dispvm-x-dispool-policy}: the default policy runs its pool from now on. */
    public void unsetPolicy(String template) {
        HostErrors.run(() -> knobs.unsetPolicy(template));
    }

    public GlobalSettings globalSettings() {
        return HostErrors.call(knobs::globalSettings);
    }

    /**
     * Applies a change of the global knobs; every given value is validated before any is written.
     * A null argument leaves that knob alone; {@code unsetGlobalMax} removes dom0's max.
     */
    public void updateGlobalSettings(String globalMax, boolean unsetGlobalMax, String threshold, String delay,
            String defaultDispvm) {
        HostErrors.run(() -> knobs.updateGlobalSettings(globalMax, unsetGlobalMax, threshold, delay, defaultDispvm));
    }

    // ---------------------------------------------------------------- suspend / resume (HostSuspend)

    /**
     * Drains every pool before the host sleeps (qubesd's {@code internal.SuspendPre}); completes
     * when no preload is left, or fails after the suspend timeout naming what is left.
     */
    public Uni<Void> suspend() {
        return HostErrors.uni(suspend.suspend());
    }

    /** Refills every pool after the host woke up (qubesd's {@code internal.SuspendPost}). */
    public void resume() {
        HostErrors.run(suspend::resume);
    }

    public boolean isSuspended() {
        return suspend.isSuspended();
    }

    // ---------------------------------------------------------------- views

    public List<PoolView> pools() {
        return HostErrors.call(() -> {
            List<PoolView> out = new ArrayList<>();
            index.pools().forEach(p -> out.add(preloading.view(p)));
            out.sort(Comparator.comparing(PoolView::template));
            return out;
        });
    }

    public PoolView pool(String template) {
        return HostErrors.call(() -> preloading.view(templates.requireDvmTemplate(template)));
    }

    public PoolEvents events() {
        return events;
    }

    /** The host's clock: host time for what the engine's callers record beside its events. */
    public Clock clock() {
        return clock;
    }

    /** Who fills the pools: dispool, or the host itself. */
    public PreloadOwner owner() {
        return settings.owner();
    }

    // ---------------------------------------------------------------- reconciling

    private PoolReconciler.Next reconcileTemplate(String template) {
        Pool pool = index.pool(template);
        if (pool == null) {
            // An earlier pass dropped it on a read older than the event that asked for this pass
            // (template_for_dispvms switched back on while that pass ran): the host decides again.
            if (!catchUp.isDvmTemplate(template)) {
                return PoolReconciler.Next.DONE;
            }
            pool = templates.poolFor(template);
        }
        PoolReconciler.Next next = preloading.reconcile(pool,
                suspend.isSuspended() ? HostSuspend.DRAIN : intents.holdReason(pool));
        if (!hostEvents.isLive()) {
            pool.templateSuspect = true;
        }
        if (!pool.settings.dvmTemplate()) {
            index.dropIfEmpty(pool);
        }
        suspend.checkDrained();
        return next;
    }

    /** Compares the engine's pools with the host ({@link HostCatchUp}); runs before every pool is reconciled. */
    private void catchUp(String reason) {
        catchUp.run(reason, templates::poolFor);
    }

    /**
     * Liveness for a supervisor's watchdog: the timer thread, which drives resyncs, refills and
     * backoff, runs a task within {@code within}. False when it is stuck or gone.
     */
    public boolean isAlive(Duration within) {
        try {
            timers.submit(() -> { }).get(within.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            return false;
        }
    }

    /** Tasks waiting in the timer queue (refills, retries, resyncs): a soak checks it does not grow with time. */
    public int timersQueued() {
        return timers.getQueue().size();
    }

    // ---------------------------------------------------------------- shutdown

    /**
     * Stops reconciling and leaves the pools as they are: ready preloads stay paused on the host
     * and are adopted by the next start; preloads interrupted mid-start are removed then.
     */
    @Override
    public void close() {
        hostEvents.close();
        timers.shutdownNow();
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.close();
    }
}
