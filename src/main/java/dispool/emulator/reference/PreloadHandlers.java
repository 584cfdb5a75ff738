package dispool.emulator.reference;

import dispool.host.HostEvent;
import dispool.host.PowerState;
import dispool.host.QubeInfo;
import dispool.host.QubesException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * qubesd's event handlers that drive preloading, each named after the Qubes handler it follows;
 * the host's events stand in for qubesd's internal ones. Run on the loop.
 */
final class PreloadHandlers {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private PreloadHandlers() {
    }

    static CompletableFuture<?> dispatch(QubesdPreloading app, HostEvent e) {
        if (e.subject().isEmpty()) {
            return onAppEvent(app, e);
        }
        if (e.subject().equals("dom0")) {
            return onAdminVmEvent(app, e);
        }
        QubeInfo qube;
        try {
            qube = app.host.qube(e.subject());
        } catch (QubesException gone) {
            return onGoneDispvm(app, e);
        }
        if (qube.isDispVm()) {
            return onDispvmEvent(app, e);
        }
        if (qube.klass().equals("TemplateVM") && e.name().equals("domain-shutdown")) {
            onTemplateDomainShutdown(app, e.subject());
            return DONE;
        }
        if ("True".equals(app.host.property(e.subject(), "template_for_dispvms"))) {
            return onDvmTemplateEvent(app, e.subject(), e);
        }
        if (e.name().equals("domain-feature-delete:preload-dispvm-max") && qube.klass().equals("AppVM")) {
            onFeatureDeletePreloadDispvmMax(app, e.subject());
        }
        return DONE;
    }

    /** {@code Qubes.on_property_set_default_dispvm} (of {@code property-set} and {@code property-reset}) and {@code domain-delete}. */
    private static CompletableFuture<?> onAppEvent(QubesdPreloading app, HostEvent e) {
        if (e.name().equals("domain-delete")) {
            app.forget(e.kwarg("vm"));
        } else if (e.name().equals("property-set:default_dispvm") || e.name().equals("property-reset:default_dispvm")) {
            onPropertySetDefaultDispvm(app, e);
        }
        return DONE;
    }

    /**
     * The old and the new {@code default_dispvm} each refill (or trim) when the global max differs
     * from its own. A reset carries no new value: the property's value now is taken, None
     * (empty) after a reset of the global one.
     */
    private static void onPropertySetDefaultDispvm(QubesdPreloading app, HostEvent e) {
        String newValue = newValue(e).isEmpty() ? app.defaultDispvm() : newValue(e);
        String oldValue = oldValueOrEmpty(e);
        if (newValue.equals(oldValue)) {
            return;
        }
        for (String appvm : List.of(oldValue, newValue)) {
            if (!appvm.isEmpty() && app.exists(appvm) && app.templates.getFeatGlobalPreloadMax() != null
                    && app.templates.isGlobalPreloadDistinct(appvm)) {
                String reason = appvm.equals(newValue) ? "it became the default_dispvm" : "it was the default_dispvm";
                app.loop.ensureFuture(() -> app.templates.onDomainPreloadDispvmUsed(appvm, "start", null, reason, 0));
            }
        }
    }

    /** {@code AdminVM.on_feature_set_preload_dispvm_max} and {@code on_feature_delete_preload_dispvm_max}. */
    private static CompletableFuture<?> onAdminVmEvent(QubesdPreloading app, HostEvent e) {
        String appvm = app.defaultDispvm();
        if (appvm.isEmpty()) {
            return DONE;
        }
        if (e.name().equals("domain-feature-set:preload-dispvm-max") && !e.kwarg("value").equals(oldValue(e))) {
            return app.templates.onDomainPreloadDispvmUsed(appvm, "start", null, "global feature was set to '" + e.kwarg("value") + "'", 0);
        }
        if (e.name().equals("domain-feature-delete:preload-dispvm-max")) {
            return app.templates.onDomainPreloadDispvmUsed(appvm, "start", null, "global feature was deleted", 0);
        }
        return DONE;
    }

    /** {@code TemplateVM.on_template_domain_shutdown}: an update shut the TemplateVM down, so snapshots may be outdated. */
    private static void onTemplateDomainShutdown(QubesdPreloading app, String templateVm) {
        for (String appvm : app.dvmTemplates()) {
            if (templateVm.equals(app.host.properties(appvm).get("template"))) {
                app.templates.refreshOutdatedPreload(appvm, 4);
            }
        }
    }

    /**
     * The DVM template's handlers: {@code on_feature_set_preload_dispvm_max},
     * {@code on_feature_delete_preload_dispvm_max}, {@code on_dvmtemplate_domain_shutdown},
     * {@code on_dvmtemplate_property_changed}, and the set handlers of {@code template} and
     * {@code template_for_dispvms} (their pre-set handlers are in {@link PropertyHandlers}).
     */
    private static CompletableFuture<?> onDvmTemplateEvent(QubesdPreloading app, String appvm, HostEvent e) {
        DvmTemplates t = app.templates;
        if (e.name().equals("domain-feature-set:preload-dispvm-max")) {
            if (e.kwarg("value").equals(oldValue(e)) || t.isGlobalPreloadSet(appvm)) {
                return DONE;
            }
            return t.onDomainPreloadDispvmUsed(appvm, "start", null, "local feature was set to '" + e.kwarg("value") + "'", 0);
        }
        if (e.name().equals("domain-feature-delete:preload-dispvm-max")) {
            onFeatureDeletePreloadDispvmMax(app, appvm);
            return DONE;
        }
        if (e.name().equals("domain-shutdown")) {
            t.refreshOutdatedPreload(appvm, 4);
            return DONE;
        }
        if (e.is("property-set") || e.is("property-reset")) {
            String name = e.suffix();
            if (e.is("property-set") && (name.equals("template") || name.equals("template_for_dispvms"))) {
                return onPropertySetTemplate(app, appvm, e);
            }
            if (!DispVm.OUTDATED_IGNORED_PROPERTIES.contains(name)) {
                t.refreshOutdatedPreload(appvm, 30);
            }
        }
        return DONE;
    }

    /** {@code on_feature_delete_preload_dispvm_max}, which (unlike the set) does not ask for {@code template_for_dispvms}. */
    private static void onFeatureDeletePreloadDispvmMax(QubesdPreloading app, String appvm) {
        if (!app.templates.isGlobalPreloadSet(appvm)) {
            app.templates.removePreloadExcess(appvm, 0, "local feature was deleted");
        }
    }

    /**
     * {@code __on_property_set_template} and {@code __on_set_dvmtemplate}: a new TemplateVM, or
     * {@code template_for_dispvms} turned on, refills when there is room. The old preloads went in
     * the pre-set ({@link PropertyHandlers}).
     */
    private static CompletableFuture<?> onPropertySetTemplate(QubesdPreloading app, String appvm, HostEvent e) {
        if (newValue(e).equals(oldValueOrEmpty(e)) || !app.templates.canPreload(appvm)) {
            return DONE;
        }
        String reason = e.suffix().equals("template") ? "template has changed" : "template_for_dispvms was set to True";
        app.loop.ensureFuture(() -> app.templates.onDomainPreloadDispvmUsed(appvm, "start", null, reason, 0));
        return DONE;
    }

    /**
     * {@code DispVM.on_domain_unpaused} (a preload resumed after its start is used) and
     * {@code DispVM.on_domain_shutdown} ({@code _auto_cleanup}: off the list).
     */
    private static CompletableFuture<?> onDispvmEvent(QubesdPreloading app, HostEvent e) {
        DispVm d = app.dispvm(e.subject());
        return switch (e.name()) {
            case "domain-start" -> {
                d.started = true;
                yield DONE;
            }
            case "domain-paused" -> {
                d.paused = true;
                yield DONE;
            }
            // Delivered late, an unpause may already be undone (the start's, then our pause): only a
            // qube running now was resumed.
            case "domain-unpaused" -> app.host.qube(d.name).state() == PowerState.Running ? d.onDomainUnpaused() : DONE;
            case "domain-shutdown" -> {
                d.preloadCleanup();
                yield DONE;
            }
            default -> DONE;
        };
    }

    /** A disposable removed with its shutdown (auto-cleanup): the shutdown still takes it off the list. */
    private static CompletableFuture<?> onGoneDispvm(QubesdPreloading app, HostEvent e) {
        DispVm d = app.knownDispvm(e.subject());
        if (d != null && e.name().equals("domain-shutdown")) {
            d.preloadCleanup();
        }
        return DONE;
    }

    private static String newValue(HostEvent e) {
        return e.kwargs().containsKey("newvalue") ? e.kwarg("newvalue") : "";
    }

    private static String oldValueOrEmpty(HostEvent e) {
        String old = oldValue(e);
        return old == null ? "" : old;
    }

    private static String oldValue(HostEvent e) {
        return e.kwargs().containsKey("oldvalue") ? e.kwarg("oldvalue") : null;
    }
}
