package dispool.pool;

import dispool.host.Backoff;
import dispool.host.Clock;
import dispool.host.QubeInfo;
import dispool.host.QubesException;
import dispool.host.QubesHost;
import dispool.host.ServiceResult;
import dispool.host.ServiceTimeoutException;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * dispool's engine: one pool of preloaded disposables per DVM template, on any {@link QubesHost}.
 * This class wires the parts and is what the REST API, the CLI and benchmarks call: who keeps the
 * pools is a {@link Preloading} (dispool's own, {@link ManagedPreloading}, or qubesd's,
 * {@link HostPreloads}); the preload lifecycle itself is in {@link PreloadLifecycle}, the
 * per-pool decisions in {@link PoolReconciler} and its {@link RefillPolicy}, the catch-up after
 * missed events in {@link HostCatchUp}.
 *
 * <p>The knobs live on the host as Qubes features ({@link PreloadFeatures}); setting one here
 * writes the feature, and the engine reacts to the feature event exactly as it does when a user
 * runs {@code qvm-features}.
 */
public final class DispoolEngine implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DispoolEngine.class.getName());

    private final QubesHost host;
    private final Clock clock;
    private final EngineSettings settings;
    private final PoolEvents events = new PoolEvents();
    private final PreloadIndex index = new PreloadIndex();
    private final Map<String, PoolRunner> runners = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(named("dispool-timer"));
    private final SettingsReader reader;
    private final PreloadLifecycle lifecycle;
    private final PoolReconciler reconciler;
    private final Recovery recovery;
    private final HostEventRouter router;
    private final RefillPolicies refill;
    private final PreloadSupport support;
    private final HostCatchUp catchUp;
    /** dispool's own pools, or the host's ({@link PreloadOwner}). */
    private final Preloading preloading;
    private final Ownership ownership;
    private volatile boolean suspended;
    private volatile CompletableFuture<Void> drained;
    /**
     * Until a lost event stream is connected again every pool stays suspect (nothing handed out
     * that may be outdated), until the reconcile after the reconnect compared the templates again.
     */
    private final HostEventSubscription hostEvents;

    public DispoolEngine(QubesHost host, EngineSettings settings) {
        this.host = host;
        this.clock = host.clock();
        this.settings = settings;
        this.workers = boundedWorkers(settings.limits().workers());
        MemoryGate memory = new MemoryGate(host::availableMemory);
        this.reader = new SettingsReader(host, settings);
        this.support = new PreloadSupport(host, settings.rules());
        this.ownership = new Ownership(host);
        ColdStarts coldStarts = new ColdStarts(settings.limits().maxColdStarts(), memory, clock);
        this.lifecycle = new PreloadLifecycle(host, settings.marks(), events, memory, index, workers, timers,
                new LifecycleListener(), settings.backoff(), ownership, coldStarts);
        StartCapacity starts = new StartCapacity(
                () -> index.pools().stream().mapToInt(Pool::startsUnderWay).sum() + coldStarts.running());
        events.addListener(starts);
        this.refill = new RefillPolicies(host, events, starts);
        OutdatedVolumes volumes = new OutdatedVolumes(host);
        this.reconciler = new PoolReconciler(reader, lifecycle, memory, events, clock, settings.memoryRetry(), refill, volumes);
        this.recovery = new Recovery(host, settings.marks(), lifecycle, index, events, volumes);
        this.router = new HostEventRouter(index, new RouterTarget());
        this.hostEvents = new HostEventSubscription(host, settings.backoff(), timers, router::route,
                () -> index.pools().forEach(p -> p.templateSuspect = true));
        this.catchUp = new HostCatchUp(host, index, lifecycle, reader.guardsHostPreloads());
        this.preloading = settings.owner() == PreloadOwner.HOST
                ? new HostPreloads(host, lifecycle, events, reader, ownership, workers, coldStarts)
                : new ManagedPreloading(lifecycle, reconciler, refill, new EngineRunners(), clock);
    }

    /**
     * Rebuilds every pool from the host (restart recovery), subscribes to host events, then fills.
     * Throws when the host cannot be listed: nothing is touched while the host cannot be seen.
     */
    public void start() {
        List<QubeInfo> qubes = host.listQubes();
        for (String template : catchUp.dvmTemplates(qubes)) {
            Pool pool = poolFor(template);
            reader.refresh(pool);
            recovery.recover(pool, qubes, pool.settings.fingerprint());
        }
        catchUp.run("service start", this::poolFor); // before the first fill: qubesd's own preloads, if any
        hostEvents.start();
        long resync = clock.toWallNanos(settings.resyncInterval());
        timers.scheduleWithFixedDelay(this::resync, resync, resync, TimeUnit.NANOSECONDS);
        index.pools().forEach(p -> runner(p.template).mark("service start"));
    }

    // ---------------------------------------------------------------- hand-out

    /** Hands out a disposable of {@code template}: preloaded when one is ready, cold otherwise. */
    public Uni<HandOut> handOut(String template) {
        return Uni.createFrom().item(() -> handOutNow(template)).runSubscriptionOn(workers);
    }

    /** Hands out a disposable of the global {@code default_dispvm}. */
    public Uni<HandOut> handOutDefault() {
        return Uni.createFrom().item(() -> handOutNow(defaultDispvm())).runSubscriptionOn(workers);
    }

    /**
     * Hands out on the calling thread, which must be free to block while a cold start runs
     * (seconds): for callers with threads of their own, such as the CLI and the benchmarks. The
     * REST API uses {@link #handOut}, which moves the work to an engine worker.
     */
    public HandOut handOutOnCallerThread(String template) {
        return handOutNow(template);
    }

    private HandOut handOutNow(String template) {
        Pool pool = requireDvmTemplate(template);
        return preloading.handOut(pool);
    }

    /**
     * Removes a disposable dispool handed out (kill; an auto-cleanup disposable then vanishes).
     * Anything else is refused FORBIDDEN and left untouched ({@link Ownership}): a preload of a
     * pool, a disposable someone started with {@code qvm-run --dispvm}, qubesd's own preloads.
     */
    public Uni<Void> removeDisposable(String name) {
        PreloadFeatures.validateQubeName("name", name);
        return Uni.createFrom().<Void>item(() -> {
            requireHandedOutDisposable(name);
            lifecycle.killAndRemove(name);
            ownership.removed(name);
            return null;
        }).runSubscriptionOn(workers);
    }

    /**
     * Runs a qrexec service (e.g. qubes.VMExec+ARGS) in a disposable dispool handed out, under
     * the same ownership rules as {@link #removeDisposable}; a call that outlives {@code timeout}
     * ends with exit status 124, as timeout(1) reports it.
     */
    public Uni<ServiceResult> runInDisposable(String name, String service, Duration timeout) {
        PreloadFeatures.validateQubeName("name", name);
        return Uni.createFrom().item(() -> {
            requireHandedOutDisposable(name);
            try {
                return hostCall(() -> host.runService(name, service, timeout), "name", name);
            } catch (ServiceTimeoutException e) {
                return new ServiceResult(124, e.getMessage());
            }
        }).runSubscriptionOn(workers);
    }

    /** Refuses (403) a preload, a qube that is not a disposable, or a disposable without dispool's hand-out mark. */
    private void requireHandedOutDisposable(String name) {
        Preload p = index.preload(name);
        if (p != null) {
            throw DispoolException.forbidden("name", name, "a disposable dispool handed out", name
                    + " is a preload of " + p.template + ", not a handed-out disposable (left untouched); lower "
                    + "preload-dispvm-max of " + p.template + " to remove it");
        }
        if (name.equals(PreloadFeatures.DOM0)) { // refused by name: the host lists every qube when asked about dom0
            throw DispoolException.forbidden("name", name, "a disposable dispool handed out", "dom0 is the AdminVM, not a "
                    + "disposable: dispool removes only the disposables it handed out (left untouched)");
        }
        QubeInfo q = hostCall(() -> host.qube(name), "name", name);
        if (!q.isDispVm()) {
            throw DispoolException.forbidden("name", name, "a disposable dispool handed out", name + " is a "
                    + q.klass() + ", not a disposable: dispool removes only the disposables it handed out (left untouched)");
        }
        ownership.requireHandedOut(name, "a disposable");
    }

    // ---------------------------------------------------------------- knobs

    /** Sets the template's preload-dispvm-max (validated first; nothing changes on bad input). */
    public void setMax(String template, String value) {
        int max = PreloadFeatures.validateMax(template, value);
        requireDvmTemplate(template);
        // Any value, 0 included: qubesd's pre-set handler refuses them all (unsetting is always allowed).
        support.missingFeature(template).ifPresent(feature -> {
            throw new DispoolException(DispoolException.Kind.CONFLICT, PreloadSupport.explain(template, feature),
                    "max", value, "the template has " + feature);
        });
        host.setFeature(template, PreloadFeatures.MAX, Integer.toString(max));
        refreshSettings(template);
        knobChanged(template, "preload-dispvm-max set to " + max);
    }

    /** The refill policy of pools whose template names none ({@code dispool.engine.policy}): qubes or adaptive. */
    public void setDefaultPolicy(String policy) {
        refill.setDefault(policy);
        index.pools().forEach(p -> knobChanged(p.template, "default refill policy set to " + policy.trim()));
    }

    /** Sets the template's refill policy ({@code preload-dispvm-x-dispool-policy}); it takes effect at once. */
    public void setPolicy(String template, String policy) {
        String v = RefillPolicies.validate("policy", policy);
        requireDvmTemplate(template);
        host.setFeature(template, RefillPolicies.FEATURE, v);
        knobChanged(template, RefillPolicies.FEATURE + " set to " + v);
    }

    /** Removes the template's {@code preload-dispvm-x-dispool-policy}: the default policy runs its pool from now on. */
    public void unsetPolicy(String template) {
        requireDvmTemplate(template);
        host.removeFeature(template, RefillPolicies.FEATURE);
        knobChanged(template, RefillPolicies.FEATURE + " unset");
    }

    public void unsetMax(String template) {
        requireDvmTemplate(template);
        host.removeFeature(template, PreloadFeatures.MAX);
        refreshSettings(template);
        knobChanged(template, "preload-dispvm-max unset");
    }

    public GlobalSettings globalSettings() {
        Optional<String> max = host.feature(PreloadFeatures.DOM0, PreloadFeatures.MAX);
        String dflt = host.globalProperty(PreloadFeatures.DEFAULT_DISPVM);
        return new GlobalSettings(max.map(v -> PreloadFeatures.hostMax(max)).orElse(null),
                PreloadFeatures.hostThreshold(host.feature(PreloadFeatures.DOM0, PreloadFeatures.THRESHOLD)),
                PreloadFeatures.hostDelay(host.feature(PreloadFeatures.DOM0, PreloadFeatures.DELAY))
                        .orElse(PreloadFeatures.DEFAULT_DELAY_SECONDS),
                dflt.isEmpty() ? null : dflt,
                host.availableMemory().isPresent() ? host.availableMemory().getAsLong() / MemoryGate.MIB : null,
                host.availableMemorySource());
    }

    /**
     * Applies a change of the global knobs; every given value is validated before any is written.
     * A null argument leaves that knob alone; {@code unsetGlobalMax} removes dom0's max.
     */
    public void updateGlobalSettings(String globalMax, boolean unsetGlobalMax, String threshold, String delay,
            String defaultDispvm) {
        Integer max = globalMax == null ? null : PreloadFeatures.validateMax(PreloadFeatures.DOM0, globalMax);
        Long thr = threshold == null ? null : PreloadFeatures.validateThreshold(threshold);
        Double del = delay == null ? null : PreloadFeatures.validateDelay(PreloadFeatures.DOM0, delay);
        if (defaultDispvm != null) {
            requireDvmTemplate(PreloadFeatures.validateQubeName("defaultDispvm", defaultDispvm));
        }
        SettingsWrites writes = new SettingsWrites(host);
        if (unsetGlobalMax || max != null) {
            writes.feature(PreloadFeatures.DOM0, PreloadFeatures.MAX, unsetGlobalMax ? null : max.toString());
        }
        if (thr != null) {
            writes.feature(PreloadFeatures.DOM0, PreloadFeatures.THRESHOLD, thr.toString());
        }
        if (del != null) {
            writes.feature(PreloadFeatures.DOM0, PreloadFeatures.DELAY, delay.trim());
        }
        if (defaultDispvm != null) {
            writes.globalProperty(PreloadFeatures.DEFAULT_DISPVM, defaultDispvm);
        }
        writes.apply(); // all or nothing: a refusal sets back what was written before it
        index.pools().forEach(p -> {
            refreshSettings(p.template);
            knobChanged(p.template, "global settings changed");
        });
    }

    /** Re-reads a pool's settings at once, so the answer to a knob change already shows it. */
    private void refreshSettings(String template) {
        reader.refresh(poolFor(template));
    }

    private void knobChanged(String template, String reason) {
        Pool pool = poolFor(template);
        refill.refillNow(pool, clock.nanos());
        pool.backoff.succeeded();
        runner(template).mark(reason);
    }

    // ---------------------------------------------------------------- suspend / resume

    /**
     * Drains every pool before the host sleeps (qubesd's {@code internal.SuspendPre}); completes
     * when no preload is left, or fails after the suspend timeout naming what is left.
     */
    public Uni<Void> suspend() {
        suspended = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        drained = done;
        markAll("host suspend");
        checkDrained();
        return Uni.createFrom().completionStage(done)
                .ifNoItem().after(Duration.ofNanos(clock.toWallNanos(settings.suspendTimeout())))
                .failWith(() -> new DispoolException(DispoolException.Kind.UNAVAILABLE, "host suspend: pools not drained after "
                        + settings.suspendTimeout().toSeconds() + " s; still there: " + leftovers(), null));
    }

    /** Refills every pool after the host woke up (qubesd's {@code internal.SuspendPost}). */
    public void resume() {
        suspended = false;
        drained = null;
        index.pools().forEach(p -> knobChanged(p.template, "system resumed"));
    }

    public boolean isSuspended() {
        return suspended;
    }

    private void checkDrained() {
        CompletableFuture<Void> d = drained;
        if (d != null && index.pools().stream().allMatch(p -> p.preloads.isEmpty())) {
            d.complete(null);
        }
    }

    private String leftovers() {
        List<String> names = new ArrayList<>();
        index.pools().forEach(p -> p.preloads.forEach(x -> names.add(String.valueOf(x))));
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    // ---------------------------------------------------------------- views

    public List<PoolView> pools() {
        List<PoolView> out = new ArrayList<>();
        index.pools().forEach(p -> out.add(view(p)));
        out.sort(Comparator.comparing(PoolView::template));
        return out;
    }

    public PoolView pool(String template) {
        return view(requireDvmTemplate(template));
    }

    private PoolView view(Pool pool) {
        return preloading.view(pool);
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

    // ---------------------------------------------------------------- pools and templates

    /** The pool of a DVM template; the name is checked first, then the host, with errors saying what to do. */
    private Pool requireDvmTemplate(String template) {
        PreloadFeatures.validateQubeName("template", template);
        Pool known = index.pool(template);
        if (known != null && known.settings.dvmTemplate()) {
            return known;
        }
        if (template.equals(PreloadFeatures.DOM0)) { // refused by name: the host lists every qube when asked about dom0
            throw new DispoolException(DispoolException.Kind.CONFLICT, "dom0 (AdminVM) is not a DVM template: dom0's "
                    + "preload-dispvm-max is the global max (PUT /api/v1/settings, dispool set dom0 preload-dispvm-max N)",
                    "template", template, "a DVM template (template_for_dispvms=True)");
        }
        QubeInfo q = hostCall(() -> host.qube(template), "template", template);
        Pool pool = poolFor(template);
        if (!reader.refresh(pool).dvmTemplate()) {
            index.dropIfEmpty(pool);
            throw new DispoolException(DispoolException.Kind.CONFLICT, template + " (" + q.klass()
                    + ") is not a DVM template: template_for_dispvms is not True; make it one with: qvm-prefs "
                    + template + " template_for_dispvms True", "template", template, "template_for_dispvms=True");
        }
        return pool;
    }

    private String defaultDispvm() {
        String t = host.globalProperty(PreloadFeatures.DEFAULT_DISPVM);
        if (t.isEmpty()) {
            throw new DispoolException(DispoolException.Kind.CONFLICT, "no default_dispvm is set: name a DVM template, "
                    + "or set one with: qubes-prefs default_dispvm NAME", "default_dispvm", "", "a DVM template");
        }
        return t;
    }

    private static <T> T hostCall(java.util.function.Supplier<T> call, String field, String value) {
        try {
            return call.get();
        } catch (QubesException e) {
            if (e.is(QubesException.VM_NOT_FOUND)) {
                throw new DispoolException(DispoolException.Kind.NOT_FOUND, "no qube named '" + value + "' on this host ("
                        + e.getMessage() + ")", field, value, "an existing qube");
            }
            throw e;
        }
    }

    private Pool poolFor(String template) {
        return index.poolOrCreate(template, t -> new Pool(t, settings.backoff(), PoolSettings.none(0)));
    }

    private PoolRunner runner(String template) {
        return runners.computeIfAbsent(template,
                t -> new PoolRunner(t, this::reconcileTemplate, workers, timers, clock, settings.backoff()));
    }

    private PoolReconciler.Next reconcileTemplate(String template) {
        Pool pool = index.pool(template);
        if (pool == null) {
            return PoolReconciler.Next.DONE;
        }
        PoolReconciler.Next next = preloading.reconcile(pool, suspended);
        if (!hostEvents.isLive()) {
            pool.templateSuspect = true;
        }
        if (!pool.settings.dvmTemplate()) {
            index.dropIfEmpty(pool);
        }
        checkDrained();
        return next;
    }

    private final class EngineRunners implements Preloading.Runners {
        @Override
        public void mark(Pool pool, String reason) {
            runner(pool.template).mark(reason);
        }

        @Override
        public void markAfter(Pool pool, Duration hostDelay) {
            runner(pool.template).markAfter(hostDelay);
        }
    }

    private final class LifecycleListener implements PreloadLifecycle.Listener {
        /** Starts are limited host-wide: any pool that holds some back may start one now. */
        @Override
        public void startEnded(Pool pool) {
            index.pools().stream().filter(p -> p.deferredStarts > 0)
                    .forEach(p -> runner(p.template).mark("a start finished: " + p.deferredStarts + " waiting to start"));
        }

        @Override
        public void poolChanged(Pool pool, String reason) {
            runner(pool.template).mark(reason);
            checkDrained();
        }

        @Override
        public void usedElsewhere(Pool pool, String reason) {
            refill.used(pool, clock.nanos());
            poolChanged(pool, reason);
        }

        @Override
        public void usedByColdRequest(Pool pool, String reason) {
            refill.used(pool, clock.nanos());
            poolChanged(pool, reason);
        }
    }

    /** The periodic resync also reads the preloads' volumes: an update may fire no event dispool saw. */
    private void resync() {
        index.pools().forEach(p -> p.volumesToCheck = true);
        markAll("periodic resync");
    }

    /** Catches up with the host on a worker ({@link HostCatchUp}), then reconciles every pool. */
    private void markAll(String reason) {
        workers.execute(() -> {
            catchUp.run(reason, this::poolFor);
            index.pools().forEach(p -> runner(p.template).mark(reason));
        });
    }

    // ---------------------------------------------------------------- host events

    private final class RouterTarget implements HostEventRouter.Target {
        @Override
        public void markAll(String reason) {
            DispoolEngine.this.markAll(reason);
        }

        @Override
        public void reconnected(String reason) {
            // A template update may have ended while the stream was down: hold hand-outs until checked.
            index.pools().forEach(p -> p.volumeChanges.incrementAndGet());
            DispoolEngine.this.markAll(reason);
        }

        @Override
        public void markTemplate(String template, String reason, boolean knobChanged) {
            if (index.pool(template) != null) {
                if (knobChanged) {
                    knobChanged(template, reason);
                } else {
                    runner(template).mark(reason);
                }
                return;
            }
            workers.execute(() -> {
                if (catchUp.isDvmTemplate(template)) {
                    knobChanged(template, reason);
                }
            });
        }

        @Override
        public void templateChanged(String template, String property) {
            Pool pool = index.pool(template);
            pool.templateSuspect = true;
            runner(template).mark(property + " of " + template + " changed");
        }

        @Override
        public void preloadUnpaused(Preload p) {
            Pool pool = index.pool(p.template);
            // Only a READY preload can be used elsewhere; the start's own domain-unpaused mostly
            // arrives before that. One read late is told apart by usedElsewhere, from the host's state.
            if (pool != null && p.state == PreloadState.READY) {
                workers.execute(() -> lifecycle.usedElsewhere(pool, p));
            }
        }

        @Override
        public void volumesMayBeOutdated(Pool pool, String reason) {
            pool.volumeChanges.incrementAndGet();
            runner(pool.template).mark(reason);
        }

        @Override
        public void preloadGone(Preload p, String reason) {
            Pool pool = index.pool(p.template);
            if (pool != null) {
                lifecycle.discard(pool, p, reason);
            }
        }
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

    /**
     * The engine's workers: at most {@code size} threads (hand-outs, preload starts, removals,
     * reconciles); more work waits in the queue, so a flood of requests cannot grow the threads.
     */
    private static ExecutorService boundedWorkers(int size) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                named("dispool-worker"));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
