package dispool.emulator.reference;

import dispool.host.PowerState;
import dispool.host.QubesException;
import dispool.host.ServiceResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One disposable as qubesd's {@code qubes.vm.dispvm.DispVM} sees it (qubes/vm/dispvm.py,
 * release4.3): the in-memory preload state ({@code preload_requested} and its event,
 * {@code preload_complete}) and the methods of the preload lifecycle. All methods run on the loop.
 */
final class DispVm {

    /**
     * {@code PRELOAD_OUTDATED_IGNORED_PROPERTIES} of qubes/vm/dispvm.py: the reference's one list,
     * read from upstream (f03fe7bc, unchanged on release4.3 68fc8b6 and main 1ad5f9b8). dispool keeps
     * its own ({@code Fingerprint.IGNORED}); a test holds the two equal.
     */
    static final Set<String> OUTDATED_IGNORED_PROPERTIES = Set.of("autostart", "backup_timestamp", "default_dispvm",
            "dispid", "gateway", "gateway6", "icon", "include_in_backups", "installed_by_rpm", "ip", "ip6", "klass", "name",
            "qid", "start_time", "stubdom_uuid", "stubdom_xid", "template", "template_for_dispvms", "updateable", "uuid",
            "visible_gateway", "visible_gateway6", "visible_ip", "visible_ip6", "xid");
    /** The volumes every simulated qube has (qubesd iterates the qube's own {@code volumes}). */
    private static final List<String> SIM_VOLUMES = List.of("root", "private");

    final String name;
    final String template;
    private final QubesdPreloading app;
    private boolean preloadRequested;
    private CompletableFuture<Void> preloadRequestedEvent = new CompletableFuture<>();
    private final CompletableFuture<Void> preloadComplete = new CompletableFuture<>();
    /** qubesd's {@code is_fully_usable()}: the start finished (the start's own resume is no use). */
    boolean started;
    /**
     * Paused since the start. The simulator delivers a start's own {@code domain-unpaused} late, on
     * its event thread, when qubesd would already find the qube usable; only an unpause that
     * follows a pause is one {@code on_domain_unpaused} acts on.
     */
    boolean paused;

    DispVm(QubesdPreloading app, String name, String template) {
        this.app = app;
        this.name = name;
        this.template = template;
    }

    /** {@code DispVM.is_preload}: on the template's {@code preload-dispvm} list, or requested and not used yet. */
    boolean isPreload() {
        return app.templates.getFeatPreload(template).contains(name) || preloadRequested;
    }

    private void setPreloadRequested(boolean value) {
        preloadRequested = value;
        if (value) {
            preloadRequestedEvent.complete(null);
        } else {
            preloadRequestedEvent = new CompletableFuture<>();
        }
    }

    /**
     * {@code DispVM.is_preload_outdated}: what differs from the DVM template, first the private
     * volume's size, then any outdated volume, then the properties not in the ignored list.
     */
    Map<String, List<String>> isPreloadOutdated() {
        Map<String, List<String>> differed = new LinkedHashMap<>();
        if (!isPreload()) {
            return differed;
        }
        if (app.host.volume(name, "private").size() != app.host.volume(template, "private").size()) {
            differed.put("volumes_size", List.of("private"));
            return differed;
        }
        for (String volume : SIM_VOLUMES) {
            if (app.host.volume(name, volume).outdated()) {
                differed.put("volumes_outdated", List.of(volume));
                return differed;
            }
        }
        Map<String, String> appvmProps = app.host.properties(template);
        Map<String, String> props = app.host.properties(name);
        List<String> differedProps = props.keySet().stream().filter(appvmProps::containsKey)
                .filter(k -> !OUTDATED_IGNORED_PROPERTIES.contains(k) && !props.get(k).equals(appvmProps.get(k)))
                .sorted().toList();
        if (!differedProps.isEmpty()) {
            differed.put("properties", differedProps);
        }
        return differed;
    }

    /**
     * {@code DispVM.on_domain_started_dispvm}, awaited by the start as qubesd's {@code start()}
     * awaits its {@code domain-start} handlers: wait for the readiness services
     * ({@link #readinessServices}) unless the preload is requested first, pause it if nobody asked
     * for it, mark it completed. (qubesd's {@code domain-pre-paused} balloon request has no
     * counterpart in the simulator.)
     */
    CompletableFuture<Void> onDomainStarted() {
        started = true;
        if (!isPreload()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> ready = CompletableFuture.completedFuture(null);
        if (!preloadRequested) {
            Duration timeout = Duration.ofSeconds(Long.parseLong(app.host.property(name, "qrexec_timeout")));
            CompletableFuture<?>[] waits = readinessServices().stream()
                    .map(s -> app.loop.await(() -> app.host.runService(name, s, timeout)).thenAccept(r -> requireSuccess(s, r)))
                    .toArray(CompletableFuture[]::new);
            ready = app.loop.onLoop(CompletableFuture.anyOf(CompletableFuture.allOf(waits), preloadRequestedEvent)).thenApply(v -> null);
        }
        return ready.thenCompose(v -> preloadRequested ? CompletableFuture.completedFuture(null)
                : app.loop.await(() -> {
                    app.host.pause(name);
                    return null;
                }).thenAccept(done -> paused = true)).thenAccept(v -> {
                    app.host.setFeature(name, "preload-dispvm-completed", "1");
                    if (!preloadRequested) {
                        app.host.setFeature(name, "preload-dispvm-in-progress", "");
                    }
                    preloadComplete.complete(null);
                });
    }

    /**
     * What a preload waits for before its pause: {@code qubes.WaitForRunningSystem}; on
     * {@code main} (83769864) also {@code qubes.WaitForSession} when the qube has a {@code guivm}
     * and both {@code gui} and {@code supported-feature.late-gui-daemon} are set on it or up its
     * template chain ({@code features.check_with_template}).
     */
    List<String> readinessServices() {
        boolean session = app.release == Release.MAIN && !app.host.property(name, "guivm").isEmpty()
                && withTemplate("gui") && withTemplate("supported-feature.late-gui-daemon");
        return session ? List.of(Release.WAIT_RUNNING, Release.WAIT_SESSION) : List.of(Release.WAIT_RUNNING);
    }

    private boolean withTemplate(String feature) {
        return !app.host.featureWithTemplate(name, feature).orElse("").isEmpty();
    }

    /** {@code wait_operational_preload}'s error for a service that answered with a failure, in each release's words. */
    private void requireSuccess(String service, ServiceResult r) {
        if (r.exitStatus() == 0) {
            return;
        }
        throw new QubesException(QubesException.GENERIC, app.release == Release.R43
                ? "Error on call to '" + service + "' during preload startup. To debug, disable preloading from '" + template
                        + "' and run the following on a new disposable: systemctl --failed"
                : "Error on call to '" + service + "' during preload startup: " + r.stderr());
    }

    /**
     * {@code DispVM.get_preload}: waits (at most 1.2 × {@code qrexec_timeout}) for the preload to
     * complete, then unpauses it or marks it used. False (and a cleanup 2 s later) on timeout.
     */
    CompletableFuture<Boolean> getPreload() {
        if (!app.host.feature(name, "preload-dispvm-completed").orElse("").isEmpty()) {
            return unpauseOrUse();
        }
        long timeoutSeconds = (long) (Long.parseLong(app.host.property(name, "qrexec_timeout")) * 1.2);
        CompletableFuture<Object> completeOrTimeout = CompletableFuture.anyOf(preloadComplete.thenApply(v -> true),
                app.loop.sleep(Duration.ofSeconds(timeoutSeconds)).thenApply(v -> false));
        return app.loop.onLoop(completeOrTimeout).thenCompose(done -> {
            if ((Boolean) done) {
                return unpauseOrUse();
            }
            app.loop.ensureFuture(() -> app.loop.sleep(Duration.ofSeconds(2)).thenCompose(v -> cleanup(false)));
            return CompletableFuture.completedFuture(false);
        });
    }

    /** The end of {@code get_preload}: unpause a paused preload (its unpause handler uses it), else use it. */
    private CompletableFuture<Boolean> unpauseOrUse() {
        if (app.host.qube(name).state() == PowerState.Paused) {
            return app.loop.await(() -> {
                app.host.unpause(name);
                return null;
            }).thenCompose(v -> onDomainUnpaused()).thenApply(v -> true);
        }
        return usePreload().thenApply(v -> true);
    }

    /** {@code DispVM.mark_preload_requested}: off the list, so no second request and no excess removal takes it. */
    void markPreloadRequested() {
        app.host.setFeature(name, "preload-dispvm-in-progress", "1");
        app.templates.removePreloadFromList(template, List.of(name), "qube was requested");
        setPreloadRequested(true);
    }

    /** {@code mark_preload_requested} of a preload taken while it was being created (see {@link Creation}). */
    void markRequestedWhileCreated() {
        setPreloadRequested(true);
    }

    /** {@code DispVM.on_domain_unpaused}: a preload unpaused after its start is used. */
    CompletableFuture<Void> onDomainUnpaused() {
        boolean resumed = paused;
        paused = false;
        if (isPreload() && started && resumed) {
            return usePreload();
        }
        return CompletableFuture.completedFuture(null);
    }

    /**
     * {@code DispVM.use_preload}: the disposable becomes an ordinary one ({@code internal} dropped
     * unless the DVM template is itself internal), and a refill is scheduled after
     * {@code preload-dispvm-delay}, one timer per use (they stack). A negative delay refills only
     * once the list is empty. (No deferred netvm in the simulator.)
     */
    CompletableFuture<Void> usePreload() {
        if (!isPreload()) {
            return CompletableFuture.failedFuture(new QubesException(QubesException.GENERIC, "Disposable is not preloaded"));
        }
        boolean internalTemplate = !app.host.feature(template, "internal").orElse("").isEmpty();
        if (!internalTemplate) {
            app.host.removeFeature(name, "internal");
        }
        if (preloadRequested) {
            setPreloadRequested(false);
            app.host.removeFeature(name, "preload-dispvm-in-progress");
        } else {
            app.templates.removePreloadFromList(template, List.of(name), "qube was used without being requested");
            app.host.setFeature(name, "preload-dispvm-in-progress", "");
        }
        double delay = app.templates.getFeatPreloadDelay(template);
        if (delay < 0 && !app.templates.getFeatPreload(template).isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        app.loop.ensureFuture(() -> app.templates.onDomainPreloadDispvmUsed(template, "used", name, null, delay));
        return CompletableFuture.completedFuture(null);
    }

    /** {@code DispVM._preload_cleanup}: off the template's list when cleaned up automatically. */
    void preloadCleanup() {
        if (app.templates.getFeatPreload(template).contains(name)) {
            app.templates.removePreloadFromList(template, List.of(name), "automatic cleanup was called");
        }
    }

    /**
     * {@code DispVM.cleanup}: kill it (auto-cleanup then removes it); with {@code force}, remove a
     * disposable that was not running.
     */
    CompletableFuture<Void> cleanup(boolean force) {
        if (!app.exists(name)) {
            return CompletableFuture.completedFuture(null);
        }
        return app.loop.await(() -> {
            try {
                app.host.kill(name);
                return true;
            } catch (QubesException e) {
                if (e.is(QubesException.NOT_STARTED)) {
                    return false;
                }
                throw e;
            }
        }).thenCompose(running -> force && !running ? autoCleanup() : CompletableFuture.completedFuture(null));
    }

    /** {@code DispVM._auto_cleanup} with force: off the list, then removed from disk. */
    private CompletableFuture<Void> autoCleanup() {
        preloadCleanup();
        if (!app.exists(name)) {
            return CompletableFuture.completedFuture(null);
        }
        return app.loop.await(() -> {
            app.host.remove(name);
            return null;
        });
    }

    /**
     * {@code DispVM.start}: refused when the DVM template lost {@code template_for_dispvms} in the
     * meantime; a failed start is cleaned up before the error goes on. The clean-up is
     * {@code cleanup()} without {@code force}, as after qubes-core-admin PR #879 (2026-08-26), which
     * reverts a82f4f2a / 148927e0 ({@code cleanup(force=True)}, #10928): a disposable that never ran
     * is then not removed, so an early failure (no memory) leaves it halted and on the list.
     */
    CompletableFuture<Void> start() {
        return app.loop.await(() -> {
            if (!"True".equals(app.host.property(template, "template_for_dispvms"))) {
                throw new QubesException(QubesException.GENERIC, "template for disposable (" + template
                        + ") needs to have template_for_dispvms=True");
            }
            app.host.start(name);
            return null;
        }).thenCompose(v -> onDomainStarted()).handle((v, e) -> e).thenCompose(e -> e == null
                ? CompletableFuture.<Void>completedFuture(null)
                : cleanup(false).handle((x, y) -> null).thenCompose(x -> CompletableFuture.<Void>failedFuture(e)));
    }
}
