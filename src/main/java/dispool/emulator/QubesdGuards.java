package dispool.emulator;

import dispool.emulator.reference.QubesdPreloading;
import dispool.host.HostEvent;
import dispool.host.QubeInfo;
import dispool.host.QubesException;
import dispool.host.sim.SimHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * qubesd's refusals that running disposables cause, and the pre-events qubesd sends on
 * {@code admin.Events} before them. qubesd calls the {@code admin.Events} handler, which is added
 * to the qube (or the app) itself, before the class handlers that refuse (qubes/events.py,
 * {@code _fire_event}: for a pre-event the instance comes first), so a subscriber always sees
 * {@code property-pre-set:…}, {@code domain-pre-shutdown} and {@code domain-pre-delete} even
 * when the call is then refused. The rules, read from qubes-core-admin:
 * <ul>
 * <li>{@link Rules#R42} ({@code release4.2} 702cc3f, unchanged up to v4.3.28): every disposable
 *     counts, paused ones included ({@code is_running} is libvirt's {@code isActive});</li>
 * <li>{@link Rules#R43} ({@code release4.3} 68fc8b6, v4.3.39 on): qubesd's own preloads
 *     ({@code is_preload}) are exempt; a disposable that is not one of qubesd's preloads still
 *     counts, as on R4.2.</li>
 * </ul>
 * The messages are qubesd's, byte for byte (R4.3's two {@code msg = ("…",)} are tuples, so qubesd
 * sends their repr).
 */
final class QubesdGuards {

    /** qubes.exc.QubesVMInUseError. */
    static final String IN_USE = "QubesVMInUseError";

    /** Which release's guards apply. */
    enum Rules { R42, R43 }

    private final SimHost host;
    private final Rules rules;
    private final QubesdPreloading preloading;
    private final AdminProperties properties;

    QubesdGuards(SimHost host, Rules rules, QubesdPreloading preloading, AdminProperties properties) {
        this.host = host;
        this.rules = rules;
        this.preloading = preloading;
        this.properties = properties;
    }

    /**
     * {@code property-pre-set:NAME}, sent first, then the DVM template's guards
     * (qubes/vm/mix/dvmtemplate.py {@code __on_pre_set_dvmtemplate}, {@code __on_pre_property_set_template}).
     */
    void beforeSet(String qube, String name, String newValue, String oldValue) {
        send(HostEvent.of(qube, "property-pre-set:" + name, "name", name, "newvalue", newValue, "oldvalue", oldValue));
        if (name.equals("template_for_dispvms") && newValue.equals("False")) {
            refuseDvmTemplateOff(qube, oldValue);
        } else if (name.equals("template") && (rules == Rules.R42 || isDvmTemplate(qube) && !newValue.equals(oldValue))) {
            refuseTemplateChange(qube); // R4.3 first returns when not a DVM template or the value is unchanged
        }
    }

    /** {@code property-pre-reset:NAME} and {@code property-pre-del:NAME}, then the same guard as setting False. */
    void beforeReset(String qube, String name, String oldValue) {
        send(HostEvent.of(qube, "property-pre-reset:" + name, "name", name, "oldvalue", oldValue));
        send(HostEvent.of(qube, "property-pre-del:" + name, "name", name, "oldvalue", oldValue));
        if (name.equals("template_for_dispvms")) {
            refuseDvmTemplateOff(qube, oldValue);
        }
    }

    private void refuseDvmTemplateOff(String qube, String oldValue) {
        if (rules == Rules.R43 && !"True".equals(oldValue)) {
            return; // R4.3: "if not newvalue and not oldvalue: return"
        }
        List<String> dispvms = dispvms(qube, false);
        if (!dispvms.isEmpty()) {
            throw new QubesException(IN_USE, rules == Rules.R42
                    ? "Cannot change template_for_dispvms to False while there are some DispVMs based on this DVM template"
                    : "('Cannot change template_for_dispvms to False while there are some disposables based on this "
                            + "disposable template',)");
        }
    }

    private void refuseTemplateChange(String qube) {
        if (!dispvms(qube, true).isEmpty()) {
            throw rules == Rules.R42
                    ? new QubesException(QubesException.NOT_HALTED,
                            "Cannot change template while there are running DispVMs based on this DVM template")
                    : new QubesException(IN_USE, "('Cannot change template while there are running disposables based on "
                            + "this disposable template',)");
        }
    }

    /**
     * {@code admin.vm.Shutdown}: {@code domain-pre-shutdown}, the netvm's guard
     * (qubes/vm/mix/net.py {@code on_domain_pre_shutdown}), and on a refusal
     * {@code domain-shutdown-failed} with its reason (qubes/vm/qubesvm.py {@code shutdown}).
     */
    void beforeShutdown(String qube, boolean force) {
        send(HostEvent.of(qube, "domain-pre-shutdown", "force", force ? "True" : "False"));
        List<String> connected = connected(qube);
        if (connected.isEmpty() || force) {
            return;
        }
        String message = "There are other VMs connected to this VM: " + String.join(", ", connected);
        send(HostEvent.of(qube, "domain-shutdown-failed", "reason", message));
        throw new QubesException(rules == Rules.R42 ? QubesException.VM_ERROR : IN_USE, message);
    }

    private List<String> connected(String netvm) {
        if (rules == Rules.R43 && !"True".equals(host.properties(netvm).get("provides_network"))) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (QubeInfo q : host.listQubes()) {
            if (!q.name().equals(netvm) && q.state().isActive() && netvm.equals(host.properties(q.name()).get("netvm"))
                    && !exempt(q)) {
                out.add(q.name());
            }
        }
        return out;
    }

    /**
     * {@code admin.vm.Remove} of a halted qube: {@code domain-pre-delete} (from the app: no
     * subject), then qubes/app.py {@code on_domain_pre_deleted}: refused while any qube's VM
     * property or a global one names it. R4.2 counts every such property; R4.3 only those not at
     * their default, and never a preload's {@code template}.
     */
    void beforeRemove(String qube) {
        send(HostEvent.of("", "domain-pre-delete", "vm", qube));
        if (usedBy(qube)) {
            throw new QubesException(IN_USE, rules == Rules.R42
                    ? "Domain is in use: '" + qube + "';see 'journalctl -u qubesd -e' in dom0 for details"
                    : "Domain is in use: '" + qube + "';  see 'journalctl -u qubesd -e' in dom0 for details");
        }
    }

    private boolean usedBy(String qube) {
        if (qube.equals(host.globalProperty("default_dispvm"))) {
            return true;
        }
        for (QubeInfo q : host.listQubes()) {
            if (q.name().equals(qube)) {
                continue;
            }
            for (Map.Entry<String, String> p : host.properties(q.name()).entrySet()) {
                if (qube.equals(p.getValue()) && PropertySchema.of(p.getKey(), p.getValue()).type() == PropertySchema.Type.VM
                        && counts(q, p.getKey())) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean counts(QubeInfo holder, String property) {
        if (rules == Rules.R42) {
            return true;
        }
        if (holder.isDispVm() && property.equals("template")) {
            return !exempt(holder); // a disposable's template is set at creation, never a default
        }
        return properties.isExplicit(holder.name(), property);
    }

    /** The disposables of a DVM template ({@code dispvms}), only the running ones when asked, bar exempt preloads. */
    private List<String> dispvms(String dvmTemplate, boolean runningOnly) {
        List<String> out = new ArrayList<>();
        for (QubeInfo q : host.listQubes()) {
            if (q.isDispVm() && dvmTemplate.equals(host.properties(q.name()).get("template"))
                    && (!runningOnly || q.state().isActive()) && !exempt(q)) {
                out.add(q.name());
            }
        }
        return out;
    }

    /** R4.3 leaves qubesd's own preloads out of its guards; R4.2 has no such thing. */
    private boolean exempt(QubeInfo q) {
        return rules == Rules.R43 && preloading != null && q.isDispVm() && preloading.isPreload(q.name());
    }

    private boolean isDvmTemplate(String qube) {
        return "True".equals(host.properties(qube).get("template_for_dispvms"));
    }

    private void send(HostEvent e) {
        host.replayEvent(e);
    }
}
