package dispool.emulator.reference;

import dispool.host.QubeInfo;
import dispool.host.QubesException;
import java.util.ArrayList;
import java.util.List;

/**
 * qubesd's {@code property-pre-set} and {@code property-pre-reset} handlers that guard preloading
 * (qubes/vm/mix/dvmtemplate.py, qubes/app.py): they run on the loop before the value changes, so
 * no request in between sees the old state, and they may refuse the change. The {@code property-set}
 * handlers are in {@link PreloadHandlers}, driven by the host's events. qubesd logs the qubes in
 * the way and raises without them; so does this.
 */
final class PropertyHandlers {

    static final String IN_USE = "QubesVMInUseError";
    private static final List<String> DISPVM_PROPS = List.of("default_dispvm", "management_dispvm");

    private PropertyHandlers() {
    }

    /** The pre-set (or, with {@code reset}, pre-reset) handlers of {@code qube}'s property {@code name}. */
    static void preSet(QubesdPreloading app, String qube, String name, String value, boolean reset) {
        if (name.equals("template_for_dispvms")) {
            onPreSetDvmTemplate(app, qube, "True".equals(value));
        } else if (name.equals("template") && !reset) {
            onPrePropertySetTemplate(app, qube, value);
        }
    }

    /** {@code setter_disposable_template} of the global {@code default_dispvm} and {@code management_dispvm} (main, 95895a4b). */
    static void preSetGlobal(QubesdPreloading app, String name, String value) {
        if (app.release == Release.MAIN && DISPVM_PROPS.contains(name) && !value.isEmpty()
                && !"True".equals(app.host.property(value, "template_for_dispvms"))) {
            throw new QubesException("QubesPropertyValueError", "Invalid value for property '" + name + "': template for "
                    + "disposable must have template_for_dispvms=True");
        }
    }

    /**
     * {@code __on_pre_set_dvmtemplate} (and, on release4.3, {@code __on_pre_del_dvmtemplate}, which
     * R4.3 fires on a reset too): turning {@code template_for_dispvms} off is refused while
     * the qube is in use (in each release's sense, {@link #inUse}); otherwise every preload goes.
     */
    private static void onPreSetDvmTemplate(QubesdPreloading app, String appvm, boolean newValue) {
        boolean oldValue = "True".equals(app.host.property(appvm, "template_for_dispvms"));
        if (newValue || !oldValue) {
            return;
        }
        String refusal = inUse(app, appvm);
        if (refusal != null) {
            throw new QubesException(IN_USE, refusal);
        }
        app.templates.removePreloadExcess(appvm, 0, "template_for_dispvms was set to False");
    }

    /**
     * Why {@code appvm} must keep {@code template_for_dispvms}, or null. release4.3: ordinary
     * (not preloaded) disposables of it exist. main ({@code get_qube_prop_deps}): the system's
     * {@code default_dispvm} or {@code management_dispvm} is it, or another qube names it in one of
     * those or as its {@code template}; preloads of it do not count.
     */
    static String inUse(QubesdPreloading app, String appvm) {
        if (app.release == Release.R43) {
            boolean ordinary = app.templates.dispvms(appvm).stream().anyMatch(q -> !app.dispvm(q).isPreload());
            return ordinary ? "Cannot change template_for_dispvms to False while there are some disposables based on "
                    + "this disposable template" : null;
        }
        if (DISPVM_PROPS.stream().anyMatch(p -> appvm.equals(globalProperty(app, p)))) {
            return "Cannot change template_for_dispvms to False while it is in use by the system by any of these "
                    + "properties: default_dispvm, management_dispvm";
        }
        List<String> deps = qubeDeps(app, appvm);
        return deps.isEmpty() ? null : "Cannot change template_for_dispvms to False while it is the disposable template "
                + "of a qube by any of these properties: default_dispvm, management_dispvm, template";
    }

    /**
     * The qube side of {@code get_qube_prop_deps}: "qube:property" for each other qube naming
     * {@code appvm}. The simulator keeps no default flag: a qube's {@code default_dispvm} or
     * {@code management_dispvm} equal to the system's counts as its default (the system's own
     * check has refused that case already); a disposable's {@code template} is never default.
     */
    private static List<String> qubeDeps(QubesdPreloading app, String appvm) {
        List<String> deps = new ArrayList<>();
        for (QubeInfo q : app.host.listQubes()) {
            if (q.name().equals(appvm)) {
                continue;
            }
            var props = app.host.properties(q.name());
            boolean preloadOfIt = q.isDispVm() && appvm.equals(props.get("template")) && app.dispvm(q.name()).isPreload();
            for (String p : List.of("default_dispvm", "management_dispvm", "template")) {
                if (appvm.equals(props.get(p)) && !preloadOfIt && (p.equals("template") || !appvm.equals(globalProperty(app, p)))) {
                    deps.add(q.name() + ":" + p);
                }
            }
        }
        return deps;
    }

    /** A global property, empty (None) where the host has none (the simulator has no {@code management_dispvm}). */
    private static String globalProperty(QubesdPreloading app, String name) {
        try {
            return app.host.globalProperty(name);
        } catch (QubesException e) {
            if (e.is(QubesException.NO_SUCH_PROPERTY)) {
                return "";
            }
            throw e;
        }
    }

    /**
     * {@code __on_pre_property_set_template}: another TemplateVM for a DVM template is refused
     * while ordinary disposables of it run; otherwise every preload goes before the change, so no
     * request can get one made from the old TemplateVM.
     */
    private static void onPrePropertySetTemplate(QubesdPreloading app, String appvm, String newValue) {
        if (!"True".equals(app.host.property(appvm, "template_for_dispvms"))
                || newValue.equals(app.host.property(appvm, "template"))) {
            return;
        }
        List<String> running = app.templates.dispvms(appvm).stream()
                .filter(q -> app.host.qube(q).state().isActive() && !app.dispvm(q).isPreload()).toList();
        if (!running.isEmpty()) {
            throw new QubesException(IN_USE, "Cannot change template while there are running disposables based on this "
                    + "disposable template");
        }
        app.templates.removePreloadExcess(appvm, 0, "template will change");
    }
}
