package dispool.emulator;

import dispool.emulator.PropertySchema.Prop;
import dispool.emulator.reference.QubesdPreloading;
import dispool.host.QubesException;
import dispool.host.sim.SimHost;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code admin.vm.property.*} as qubesd R4.3 answers them (qubes/api/admin.py: {@code _property_get},
 * {@code _property_get_all}, {@code _property_set}, {@code _property_reset}, {@code _property_help},
 * {@code _property_get_default}, {@code _property_list}), on the simulated qubes. A property is
 * "default" until it is set through the Admin API, and while its value is its default.
 */
final class AdminProperties {

    private final SimHost host;
    private final QubesdPreloading preloading;
    /** "qube/property" for every property set explicitly (qubesd keeps that flag per property). */
    private final Set<String> explicit = ConcurrentHashMap.newKeySet();
    private final QubesdGuards guards;

    /**
     * {@code preloading}: when qubesd preloads, its disposables have the stateless {@code is_preload},
     * and its guards are R4.3's, which exempt them; without it they are R4.2's (also v4.3.9–v4.3.28).
     */
    AdminProperties(SimHost host, QubesdPreloading preloading) {
        this.host = host;
        this.preloading = preloading;
        this.guards = new QubesdGuards(host, preloading != null ? QubesdGuards.Rules.R43 : QubesdGuards.Rules.R42,
                preloading, this);
    }

    QubesdGuards guards() {
        return guards;
    }

    /** Whether the property was set through the Admin API ({@code property_is_default} is False). */
    boolean isExplicit(String qube, String name) {
        return explicit.contains(qube + "/" + name);
    }

    /** {@code dest.property_list()}: the qube's properties, with {@code is_preload} on a disposable of a preloading qubesd. */
    private Map<String, String> properties(String qube) {
        Map<String, String> props = new TreeMap<>(host.properties(qube));
        if (preloading != null && host.qube(qube).isDispVm()) {
            props.put("is_preload", preloading.isPreload(qube) ? "True" : "False");
        }
        return props;
    }

    private String require(String qube, String name) {
        String value = properties(qube).get(name);
        if (value == null) {
            throw new QubesException(QubesException.NO_SUCH_PROPERTY, "Invalid property '" + name + "' of " + qube);
        }
        return value;
    }

    String list(String qube) {
        StringBuilder out = new StringBuilder();
        properties(qube).keySet().forEach(n -> out.append(n).append('\n'));
        return out.toString();
    }

    String get(String qube, String name) {
        return serialize(qube, name, require(qube, name));
    }

    String getAll(String qube) {
        StringBuilder out = new StringBuilder();
        properties(qube).forEach((name, value) -> out.append(name).append(' ')
                .append(serialize(qube, name, value).replace("\\", "\\\\").replace("\n", "\\n")).append('\n'));
        return out.toString();
    }

    /** {@code _serialize_property}: {@code default=True|False type=T value}. */
    private String serialize(String qube, String name, String value) {
        Prop p = PropertySchema.of(name, value);
        boolean isDefault = !explicit.contains(qube + "/" + name)
                && PropertySchema.defaultOf(host, qube, p).map(value::equals).orElse(value.isEmpty());
        return "default=" + (isDefault ? "True" : "False") + " type=" + PropertySchema.wireType(p.type()) + " " + value;
    }

    /** {@code _property_get_default}: {@code type=T value}, or no value when the property has no default. */
    String getDefault(String qube, String name) {
        Prop p = PropertySchema.of(name, require(qube, name));
        return PropertySchema.defaultOf(host, qube, p).map(d -> "type=" + PropertySchema.wireType(p.type()) + " " + d).orElse("");
    }

    void set(String qube, String name, String untrustedValue) {
        Prop p = PropertySchema.of(name, require(qube, name));
        if (name.equals("is_preload")) {
            throw new QubesException("QubesPropertyValueError", "property 'is_preload' on DispVM instance cannot be set");
        }
        String value = PropertySchema.sanitize(host, qube, p, untrustedValue);
        guards.beforeSet(qube, name, value, require(qube, name));
        if (preloading != null) {
            preloading.setProperty(qube, name, value); // qubesd's pre-set handlers first
        } else {
            host.setProperty(qube, name, value);
        }
        explicit.add(qube + "/" + name);
    }

    /** {@code _property_reset}; a disposable's {@code template} cannot be unset ({@code on_property_pre_reset_template}). */
    void reset(String qube, String name) {
        Prop p = PropertySchema.of(name, require(qube, name));
        if (name.equals("template") && host.qube(qube).isDispVm()) {
            throw new QubesException(QubesException.VALUE_ERROR, "Cannot unset template");
        }
        if (p.check() == PropertySchema.Check.READ_ONLY || name.equals("is_preload")) {
            throw new QubesException("QubesPropertyValueError", "property '" + name + "' on "
                    + host.qube(qube).klass() + " instance cannot be set");
        }
        guards.beforeReset(qube, name, require(qube, name));
        String value = PropertySchema.defaultOf(host, qube, p).orElse("");
        if (preloading != null) {
            preloading.resetProperty(qube, name, value);
        } else {
            host.setProperty(qube, name, value);
        }
        explicit.remove(qube + "/" + name);
    }

    String help(String qube, String name) {
        return PropertySchema.of(name, require(qube, name)).doc();
    }
}
