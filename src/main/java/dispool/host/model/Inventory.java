package dispool.host.model;

import dispool.host.HostEvent;
import dispool.host.QubeInfo;
import dispool.host.QubesException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The inventory of a host model: qubes by name, global properties and disposable ids, with the
 * Admin API's reads and knob writes on them, Qubes' errors and the events qubesd fires. The
 * simulator adds latency and faults around it, the QEMU host processes and persistence.
 *
 * <p>Not thread-safe: the host holds its lock around every call, and nothing here does I/O or
 * waits. The events a write returns are for the host to deliver after releasing its lock.
 */
public final class Inventory<Q extends ModelQube> {

    public final Map<String, Q> qubes = new LinkedHashMap<>();
    public final Map<String, String> globals = new LinkedHashMap<>();
    private final DispIds ids;

    public Inventory(DispIds ids) {
        this.ids = ids;
    }

    /** Adds a qube as it is (configured, or read from a persisted inventory); a disposable's id stays taken. */
    public void add(Q q) {
        qubes.put(q.name, q);
        String dispid = q.properties.get("dispid");
        if (q.isDispVm() && dispid != null) {
            ids.taken(Integer.parseInt(dispid));
        }
    }

    public Q require(String name) {
        Q q = qubes.get(name);
        if (q == null) {
            throw new QubesException(QubesException.VM_NOT_FOUND, "No such domain: '" + name + "'");
        }
        return q;
    }

    /** admin.vm.List: every qube with its class and power state, in the order they were added. */
    public List<QubeInfo> list() {
        List<QubeInfo> out = new ArrayList<>(qubes.size());
        qubes.values().forEach(q -> out.add(q.info()));
        return out;
    }

    public String property(String qube, String property) {
        String v = require(qube).properties.get(property);
        if (v == null) {
            throw new QubesException(QubesException.NO_SUCH_PROPERTY, "Invalid property '" + property + "' of " + qube);
        }
        return v;
    }

    public String globalProperty(String property) {
        String v = globals.get(property);
        if (v == null) {
            throw new QubesException(QubesException.NO_SUCH_PROPERTY, "Invalid property '" + property + "' of dom0");
        }
        return v;
    }

    public Optional<String> feature(String qube, String feature) {
        return Optional.ofNullable(require(qube).features.get(feature));
    }

    /** admin.vm.feature.Set, checked by {@link FeatureRules}; returns the event to fire. */
    public HostEvent setFeature(String qube, String feature, String value) {
        Q q = require(qube);
        FeatureRules.check(q, feature, value, qubes::get, globals.get("default_dispvm"));
        String old = q.features.put(feature, value);
        return old == null
                ? HostEvent.of(qube, "domain-feature-set:" + feature, "feature", feature, "value", value)
                : HostEvent.of(qube, "domain-feature-set:" + feature, "feature", feature, "value", value, "oldvalue", old);
    }

    /** admin.vm.feature.Remove; the event to fire, none when the feature was not set. */
    public Optional<HostEvent> removeFeature(String qube, String feature) {
        return require(qube).features.remove(feature) == null ? Optional.empty()
                : Optional.of(HostEvent.of(qube, "domain-feature-delete:" + feature, "feature", feature));
    }

    /** admin.property.Set of the properties this model knows; {@code default_dispvm} must name a DVM template. */
    public HostEvent setGlobalProperty(String property, String value) {
        if (!globals.containsKey(property)) {
            throw new QubesException(QubesException.NO_SUCH_PROPERTY, "Invalid property '" + property + "' of dom0");
        }
        if ("default_dispvm".equals(property) && !value.isEmpty()
                && (qubes.get(value) == null || !qubes.get(value).isDvmTemplate())) {
            throw new QubesException(QubesException.VALUE_ERROR, "default_dispvm: " + value
                    + " is not a qube with template_for_dispvms=True");
        }
        String old = globals.put(property, value);
        return HostEvent.of("", "property-set:" + property, "name", property, "newvalue", value, "oldvalue", old);
    }

    /** The DVM template a disposable is made from, refused with Qubes' message when it is not one. */
    public Q dvmTemplate(String name) {
        Q template = require(name);
        if (!template.isDvmTemplate()) {
            throw new QubesException(QubesException.GENERIC,
                    "Refusing to create disposable out of app qube which has template_for_dispvms=False");
        }
        return template;
    }

    /** {@link #addDisposable(String, String, Map, Function, List)} named {@code disp<dispid>} by the host. */
    public Q addDisposable(String dvmTemplate, Map<String, String> features, Function<String, Q> make,
            List<HostEvent> events) {
        return addDisposable(dvmTemplate, null, features, make, events);
    }

    /**
     * A new disposable of {@code dvmTemplate}, as qubesd's {@code DispVM.__init__} makes it:
     * halted, with the template's properties and its features bar preloading's own, plus
     * {@code features}. Named {@code disp<dispid>} with auto-cleanup ({@code admin.vm.CreateDisposable}),
     * or {@code named} by its creator, without auto-cleanup until it is set
     * ({@code admin.vm.Create.DispVM} with {@code name=}). Added to the inventory; {@code events}
     * receives {@code domain-add} and a {@code domain-feature-set} per given feature.
     */
    public Q addDisposable(String dvmTemplate, String named, Map<String, String> features, Function<String, Q> make,
            List<HostEvent> events) {
        Q template = dvmTemplate(dvmTemplate);
        if (named != null && qubes.containsKey(named)) {
            throw new QubesException(QubesException.GENERIC, "VM " + named + " already exists");
        }
        int id = ids.draw();
        Q d = make.apply(named != null ? named : "disp" + id);
        d.properties.putAll(template.properties);
        d.properties.put("name", d.name);
        d.properties.put("template", dvmTemplate);
        d.properties.put("template_for_dispvms", "False");
        d.properties.put("dispid", Integer.toString(id));
        d.properties.put("auto_cleanup", named == null ? "True" : "False");
        template.features.forEach((f, v) -> {
            if (!f.startsWith("preload-dispvm")) {
                d.features.put(f, v);
            }
        });
        qubes.put(d.name, d);
        events.add(HostEvent.of("", "domain-add", "vm", d.name));
        features.forEach((f, v) -> {
            d.features.put(f, v);
            events.add(HostEvent.of(d.name, "domain-feature-set:" + f, "feature", f, "value", v));
        });
        return d;
    }

    /** Drops a qube; a disposable's id is drawn again no sooner than {@link DispIds} allows. */
    public Q forget(String name) {
        Q q = qubes.remove(name);
        String dispid = q == null ? null : q.properties.get("dispid");
        if (q != null && q.isDispVm() && dispid != null) {
            ids.freed(Integer.parseInt(dispid));
        }
        return q;
    }
}
