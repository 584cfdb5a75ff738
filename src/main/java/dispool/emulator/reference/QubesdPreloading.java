package dispool.emulator.reference;

import dispool.host.HostEvent;
import dispool.host.QubeInfo;
import dispool.host.QubesException;
import dispool.host.sim.SimHost;
import io.smallrye.mutiny.subscription.Cancellable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reference model of qubesd R4.3's own preloading (qubes-core-admin release4.3, v4.3.50), run
 * on the simulated host: a port of qubes/vm/dispvm.py, qubes/vm/mix/dvmtemplate.py, the preload
 * handlers of qubes/vm/adminvm.py, qubes/vm/templatevm.py and qubes/app.py,
 * {@code admin.vm.CreateDisposable} (qubes/api/admin.py), {@code internal.SuspendPre/Post}
 * (qubes/api/internal.py) and the boot service (linux/aux-tools/preload-dispvm). It shares no
 * code with dispool's engine ({@code dispool.pool}): it is what dispool is compared with.
 *
 * <p>Like qubesd, it reacts to the host's events (feature and property changes, shutdowns,
 * unpauses) on one loop thread ({@link QubesdLoop}); its in-memory state (requested preloads,
 * timers) is lost when it is closed, as a qubesd restart loses it, and a new instance starts with
 * qubesd's {@code domain-load} clean-up.
 */
public final class QubesdPreloading implements AutoCloseable {

    /** One preload taken off a template's list, with qubesd's reason (its log line). */
    public record Removal(String template, String qube, String reason) {
    }

    /** What {@code admin.vm.CreateDisposable} gave: the disposable, and whether it was a preload. */
    public record Disposable(String name, boolean preloaded) {
    }

    final SimHost host;
    final Release release;
    final QubesdLoop loop;
    final DvmTemplates templates;
    private final Map<String, DispVm> dispvms = new HashMap<>();
    private final List<Removal> removals = new CopyOnWriteArrayList<>();
    private final List<String> interruptedAtLoad = new CopyOnWriteArrayList<>();
    private final AtomicInteger preloadsBegun = new AtomicInteger();
    private final Cancellable events;

    /** Starts the model of {@code release4.3} on {@code host} (see {@link #QubesdPreloading(SimHost, Release)}). */
    public QubesdPreloading(SimHost host) {
        this(host, Release.R43);
    }

    /** Starts the model of {@code release} on {@code host}: {@code domain-load} of every DVM template, then the event handlers. */
    public QubesdPreloading(SimHost host, Release release) {
        this.host = host;
        this.release = release;
        this.loop = new QubesdLoop(host.clock());
        this.templates = new DvmTemplates(this);
        loop.submit(() -> {
            dvmTemplates().forEach(this::onDomainLoaded);
            return CompletableFuture.completedFuture(null);
        }).join();
        this.events = host.events().subscribe().with(e -> loop.ensureFuture(() -> PreloadHandlers.dispatch(this, e)));
    }

    // ------------------------------------------------------------------ entry points (any thread)

    /**
     * {@code admin.vm.CreateDisposable} on {@code appvm} ({@code dom0}: the default_dispvm):
     * {@code DispVM.from_appvm}, a preload when one is listed and usable, else a new halted disposable.
     */
    public Disposable createDisposable(String appvm) {
        return answer(loop.submit(() -> fromAppvm(appvm.equals("dom0") ? defaultDispvm() : appvm)));
    }

    /**
     * {@code admin.vm.CreateDisposable+preload}: fires {@code domain-preload-dispvm-start} and awaits
     * it. No {@code template_for_dispvms} check of its own: with max 0 it returns quietly, and
     * otherwise {@code can_gen_disposable} refuses each preload.
     */
    public void preloadRequested(String appvm) {
        answer(preloadRequest(appvm));
    }

    private CompletableFuture<Void> preloadRequest(String appvm) {
        return loop.submit(() -> templates.onDomainPreloadDispvmUsed(appvm.equals("dom0") ? defaultDispvm() : appvm,
                "start", null, "autostart was requested", 0));
    }

    /**
     * The boot service {@code qubes-preload-dispvm.service} (linux/aux-tools/preload-dispvm): after
     * the autostarts, {@code admin.vm.CreateDisposable+preload} on every template that preloads, all
     * at once (one call per template on a thread pool, gathered); fails when any call fails.
     */
    public void bootService() {
        List<String> appvms = loop.submit(() -> CompletableFuture.completedFuture(getPreloadTemplates())).join();
        answer(CompletableFuture.allOf(appvms.stream().map(this::preloadRequest).toArray(CompletableFuture[]::new)));
    }

    /**
     * {@code admin.vm.property.Set}: the {@code property-pre-set} handlers, which may refuse, then
     * the change; the {@code property-set} handlers follow from the host's event.
     */
    public void setProperty(String qube, String name, String value) {
        answer(loop.submit(() -> {
            PropertyHandlers.preSet(this, qube, name, value, false);
            host.setProperty(qube, name, value);
            return CompletableFuture.completedFuture(null);
        }));
    }

    /** {@code admin.vm.property.Reset}: as {@link #setProperty} with the default, behind the {@code property-pre-reset} handlers. */
    public void resetProperty(String qube, String name, String defaultValue) {
        answer(loop.submit(() -> {
            PropertyHandlers.preSet(this, qube, name, defaultValue, true);
            host.setProperty(qube, name, defaultValue);
            return CompletableFuture.completedFuture(null);
        }));
    }

    /**
     * {@code admin.property.Set} on the global properties; on {@code main} {@code default_dispvm}
     * and {@code management_dispvm} must name a DVM template ({@code setter_disposable_template}).
     * An empty value is None, as {@code admin.property.Reset} leaves them.
     */
    public void setGlobalProperty(String name, String value) {
        answer(loop.submit(() -> {
            PropertyHandlers.preSetGlobal(this, name, value);
            host.setGlobalProperty(name, value);
            return CompletableFuture.completedFuture(null);
        }));
    }

    /** {@code internal.SuspendPre}: every preload is dropped before the host sleeps. */
    public void suspendPre() {
        loop.submit(() -> {
            getPreloadTemplates().forEach(q -> templates.removePreloadExcess(q, 0, "system wants to suspend"));
            return CompletableFuture.completedFuture(null);
        }).join();
    }

    /** {@code internal.SuspendPost}: every template that preloads is refilled. */
    public void suspendPost() {
        loop.submit(() -> {
            getPreloadTemplates().forEach(q -> loop.ensureFuture(
                    () -> templates.onDomainPreloadDispvmUsed(q, "start", null, "system resumed", 0)));
            return CompletableFuture.completedFuture(null);
        }).join();
    }

    /**
     * What qubesd answers: the call's result, or the {@link QubesException} it raised, unwrapped as
     * a client sees it; any other failure (qubesd stopped) stays a {@link CompletionException}.
     */
    private static <T> T answer(CompletableFuture<T> call) {
        try {
            return call.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof QubesException refused) {
                throw refused;
            }
            throw e;
        }
    }

    /** The {@code is_preload} property of a disposable. */
    public boolean isPreload(String dispvm) {
        return loop.submit(() -> CompletableFuture.completedFuture(dispvm(dispvm).isPreload())).join();
    }

    /** Every preload taken off a list so far, with qubesd's reason, oldest first. */
    public List<Removal> removals() {
        return List.copyOf(removals);
    }

    /**
     * Every disposable this qubesd's {@code domain-load} removed because its preloading was
     * interrupted: those still listed (also in {@link #removals}, qubesd's log line) and those a
     * request had already taken off the list but not yet received, which qubesd removes without a
     * log line of the list.
     */
    public List<String> interrupted() {
        return List.copyOf(interruptedAtLoad);
    }

    /** How many preloads this qubesd has begun to create (the boot service's, the refills'). */
    public int preloadsBegun() {
        return preloadsBegun.get();
    }

    @Override
    public void close() {
        events.cancel();
        loop.close();
    }

    // ------------------------------------------------------------------ qubesd's app (on the loop)

    /**
     * {@code DispVM.from_appvm} without {@code preload}: a preload when one is listed and
     * {@code get_preload} succeeds, else a new disposable. Only {@code get_preload}'s timeout goes
     * cold; any other error of it (an unpause that fails) is the caller's, as in qubesd.
     */
    private CompletableFuture<Disposable> fromAppvm(String appvm) {
        requireDvmTemplate(appvm);
        CompletableFuture<DispVm> preload = templates.requestPreload(appvm);
        if (preload == null) {
            return cold(appvm);
        }
        return loop.onLoop(preload.handle((d, e) -> d))
                .thenCompose(d -> d != null ? d.getPreload().thenApply(ok -> ok ? d : null) : neverCompleted(appvm))
                .thenCompose(d -> d != null ? CompletableFuture.completedFuture(new Disposable(d.name, true)) : cold(appvm));
    }

    private CompletableFuture<Disposable> cold(String appvm) {
        return genDisposable(appvm, false).thenApply(n -> new Disposable(n, false));
    }

    /**
     * A request took a preload whose creation then failed: in qubesd the qube was listed before
     * its disk was made, so {@code get_preload} waits out its 1.2 × {@code qrexec_timeout} for a
     * completion that never comes, then the request goes cold.
     */
    private CompletableFuture<DispVm> neverCompleted(String appvm) {
        long timeoutSeconds = (long) (Long.parseLong(host.property(appvm, "qrexec_timeout")) * 1.2);
        return loop.sleep(java.time.Duration.ofSeconds(timeoutSeconds)).thenApply(v -> null);
    }

    /** {@code DispVM.from_appvm(preload=True)}: nothing when the list is full ({@code can_gen_disposable}). */
    CompletableFuture<Void> preloadFromAppvm(String appvm) {
        requireDvmTemplate(appvm);
        if (!templates.canPreload(appvm)) {
            return CompletableFuture.completedFuture(null);
        }
        return genDisposable(appvm, true).thenApply(n -> null);
    }

    /**
     * {@code DispVM.gen_disposable}: a new auto-cleanup disposable; a preload is marked
     * ({@code mark_preload}: in progress, {@code internal}, listed) and started.
     */
    private CompletableFuture<String> genDisposable(String appvm, boolean preload) {
        if (!preload) {
            return loop.await(() -> host.createDisposable(appvm, Map.of()));
        }
        Creation creation = new Creation();
        templates.creatingOf(appvm).add(creation);
        preloadsBegun.incrementAndGet();
        return loop.await(() -> host.createDisposable(appvm, Map.of("preload-dispvm-in-progress", "1", "internal", "1")))
                .whenComplete((n, e) -> {
                    templates.creatingOf(appvm).remove(creation);
                    if (e != null) {
                        creation.made.completeExceptionally(e);
                    }
                })
                .thenCompose(name -> {
                    DispVm d = dispvm(name);
                    if (creation.requested) {
                        record(appvm, name, "qube was requested");
                        d.markRequestedWhileCreated();
                    } else {
                        List<String> listed = templates.getFeatPreload(appvm);
                        listed.add(name);
                        host.setFeature(appvm, "preload-dispvm", String.join(" ", listed));
                    }
                    creation.made.complete(d);
                    return d.start().thenApply(v -> name);
                });
    }

    /** {@code can_gen_disposable}'s refusal. */
    private void requireDvmTemplate(String appvm) {
        if (!"True".equals(host.property(appvm, "template_for_dispvms"))) {
            throw new QubesException(QubesException.GENERIC,
                    "Refusing to create disposable out of app qube which has template_for_dispvms=False");
        }
    }

    /**
     * {@code DVMTemplateMixin.on_domain_loaded}: absent names leave the list; preloads whose
     * progress was interrupted (in progress, or completed but no longer running) are removed.
     */
    void onDomainLoaded(String appvm) {
        List<String> old = templates.getFeatPreload(appvm);
        List<String> clean = old.stream().filter(this::exists).toList();
        if (clean.size() != old.size()) {
            old.stream().filter(q -> !clean.contains(q)).forEach(q -> record(appvm, q, "absent"));
            host.setFeature(appvm, "preload-dispvm", String.join(" ", clean));
        }
        List<String> interrupted = templates.dispvms(appvm).stream().filter(q -> {
            boolean running = host.qube(q).state().isActive();
            return !running && isTrue(q, "preload-dispvm-completed") || isTrue(q, "preload-dispvm-in-progress");
        }).toList();
        if (!interrupted.isEmpty()) {
            interruptedAtLoad.addAll(interrupted);
            templates.removePreloadFromList(appvm, interrupted, "their progress was interrupted");
            interrupted.forEach(q -> loop.ensureFuture(() -> dispvm(q).cleanup(true)));
        }
    }

    /** {@code qubes.vm.dispvm.get_preload_templates}: the DVM templates that preload, locally or as the default_dispvm. */
    List<String> getPreloadTemplates() {
        String defaultDispvm = defaultDispvm();
        Integer globalMax = templates.getFeatGlobalPreloadMax();
        List<String> out = new ArrayList<>();
        for (String q : dvmTemplates()) {
            boolean local = !host.feature(q, "preload-dispvm-max").orElse("").isEmpty()
                    && Integer.parseInt(host.feature(q, "preload-dispvm-max").get()) != 0;
            boolean isDefault = q.equals(defaultDispvm);
            if (!isDefault && local || isDefault && globalMax != null && globalMax != 0 || globalMax == null && local) {
                out.add(q);
            }
        }
        return out;
    }

    List<String> dvmTemplates() {
        return host.listQubes().stream().filter(q -> q.klass().equals("AppVM"))
                .map(QubeInfo::name).filter(n -> "True".equals(host.property(n, "template_for_dispvms"))).toList();
    }

    String defaultDispvm() {
        return host.globalProperty("default_dispvm");
    }

    boolean exists(String qube) {
        return host.listQubes().stream().anyMatch(q -> q.name().equals(qube));
    }

    /** The template of a disposable, remembered so events after its removal still find it. */
    String templateOf(String dispvm) {
        DispVm known = dispvms.get(dispvm);
        return known != null ? known.template : host.property(dispvm, "template");
    }

    DispVm dispvm(String name) {
        return dispvms.computeIfAbsent(name, n -> new DispVm(this, n, host.property(n, "template")));
    }

    DispVm knownDispvm(String name) {
        return dispvms.get(name);
    }

    void forget(String name) {
        dispvms.remove(name);
    }

    private boolean isTrue(String qube, String feature) {
        return !host.feature(qube, feature).orElse("").isEmpty();
    }

    void record(String template, String qube, String reason) {
        removals.add(new Removal(template, qube, reason));
    }
}
