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
import java.util.concurrent.CopyOnWriteArrayList;

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
    final QubesdLoop loop;
    final DvmTemplates templates;
    private final Map<String, DispVm> dispvms = new HashMap<>();
    private final List<Removal> removals = new CopyOnWriteArrayList<>();
    private final Cancellable events;

    /** Starts the model on {@code host}: {@code domain-load} of every DVM template, then the event handlers. */
    public QubesdPreloading(SimHost host) {
        this.host = host;
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
        return loop.submit(() -> fromAppvm(appvm.equals("dom0") ? defaultDispvm() : appvm)).join();
    }

    /** {@code admin.vm.CreateDisposable+preload}: fires {@code domain-preload-dispvm-start} and awaits it. */
    public void preloadRequested(String appvm) {
        loop.submit(() -> {
            String target = appvm.equals("dom0") ? defaultDispvm() : appvm;
            requireDvmTemplate(target);
            return templates.onDomainPreloadDispvmUsed(target, "start", null, "autostart was requested", 0);
        }).join();
    }

    /**
     * The boot service {@code qubes-preload-dispvm.service} (linux/aux-tools/preload-dispvm): after
     * the autostarts, {@code admin.vm.CreateDisposable+preload} on every template that preloads.
     */
    public void bootService() {
        List<String> appvms = loop.submit(() -> CompletableFuture.completedFuture(getPreloadTemplates())).join();
        appvms.forEach(this::preloadRequested);
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

    /** The {@code is_preload} property of a disposable. */
    public boolean isPreload(String dispvm) {
        return loop.submit(() -> CompletableFuture.completedFuture(dispvm(dispvm).isPreload())).join();
    }

    /** Every preload taken off a list so far, with qubesd's reason, oldest first. */
    public List<Removal> removals() {
        return List.copyOf(removals);
    }

    @Override
    public void close() {
        events.cancel();
        loop.close();
    }

    // ------------------------------------------------------------------ qubesd's app (on the loop)

    /** {@code DispVM.from_appvm} without {@code preload}. */
    private CompletableFuture<Disposable> fromAppvm(String appvm) {
        requireDvmTemplate(appvm);
        CompletableFuture<DispVm> preload = templates.requestPreload(appvm);
        CompletableFuture<DispVm> got = preload == null ? CompletableFuture.completedFuture(null)
                : loop.onLoop(preload.thenCompose(d -> d.getPreload().thenApply(ok -> ok ? d : null)).exceptionally(e -> null));
        return got.thenCompose(d -> d != null ? CompletableFuture.completedFuture(new Disposable(d.name, true))
                : genDisposable(appvm, false).thenApply(n -> new Disposable(n, false)));
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
