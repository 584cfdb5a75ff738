package dispool.emulator;

import dispool.host.QubesException;
import dispool.host.sim.SimHost;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The properties of the simulated qubes as qubesd R4.3 declares them (qubes/vm/qubesvm.py,
 * qubes/vm/mix/dvmtemplate.py, qubes/vm/dispvm.py): type, the setter's check, the default and
 * the doc string, so the emulator validates and resets as qubesd does.
 */
final class PropertySchema {

    enum Type { STR, INT, BOOL, VM, LABEL }

    /** What the property's setter refuses. */
    enum Check { NONE, POSITIVE, NON_NEGATIVE, READ_ONLY, NONE_ALLOWED }

    /**
     * One property. {@code inherited}: "TemplateBasedVMs use its template's value by default";
     * {@code fallback}: the default otherwise (null: no default; a reset leaves it unset).
     */
    record Prop(String name, Type type, Check check, boolean inherited, String fallback, String doc) {
    }

    /** Qubes' default labels, in index order (qubes/app.py), with their colours. */
    static final Map<String, String> LABELS = labels();
    static final Set<String> BOOL_TRUE = Set.of("1", "yes", "true", "on");
    static final Set<String> BOOL_FALSE = Set.of("0", "no", "false", "off");

    private static final Map<String, Prop> PROPS = props();

    private PropertySchema() {
    }

    private static Map<String, String> labels() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("red", "0xcc0000");
        m.put("orange", "0xf57900");
        m.put("yellow", "0xedd400");
        m.put("green", "0x73d216");
        m.put("gray", "0x555753");
        m.put("blue", "0x3465a4");
        m.put("purple", "0x75507b");
        m.put("black", "0x000000");
        return m;
    }

    private static Map<String, Prop> props() {
        Map<String, Prop> m = new LinkedHashMap<>();
        add(m, new Prop("name", Type.STR, Check.READ_ONLY, false, null, "User-specified name of the domain."));
        add(m, new Prop("memory", Type.INT, Check.POSITIVE, true, "400",
                "Memory currently available for this VM. TemplateBasedVMs use its template's value by default."));
        add(m, new Prop("maxmem", Type.INT, Check.NON_NEGATIVE, true, "4000",
                "Maximum amount of memory available for this VM (for the purpose of the memory balancer). Set to 0 to "
                        + "disable memory balancing for this qube. TemplateBasedVMs use its template's value by default "
                        + "(unless memory balancing not supported for this qube)."));
        add(m, new Prop("vcpus", Type.INT, Check.POSITIVE, true, "2",
                "Number of virtual CPUs for a qube. TemplateBasedVMs use its template's value by default."));
        add(m, new Prop("qrexec_timeout", Type.INT, Check.POSITIVE, true, "60",
                "Time in seconds after which qrexec connection attempt is deemed failed. Operating system inside VM "
                        + "should be able to boot in this time."));
        add(m, new Prop("kernel", Type.STR, Check.NONE, true, null,
                "Kernel used by this domain. TemplateBasedVMs use its template's value by default."));
        add(m, new Prop("netvm", Type.VM, Check.NONE_ALLOWED, false, "",
                "VM that provides network connection to this domain. When None, machine is disconnected."));
        add(m, new Prop("guivm", Type.VM, Check.NONE_ALLOWED, false, "", "VM used for Gui"));
        add(m, new Prop("label", Type.LABEL, Check.NONE, false, null,
                "Colourful label assigned to VM. This is where the colour of the padlock is set."));
        add(m, new Prop("template", Type.VM, Check.NONE, false, null, "Template, on which this domain is based."));
        add(m, new Prop("template_for_dispvms", Type.BOOL, Check.NONE, false, "False",
                "Should this VM be allowed to start as Disposable VM"));
        add(m, new Prop("auto_cleanup", Type.BOOL, Check.NONE, false, "False", "automatically remove this VM upon shutdown"));
        add(m, new Prop("default_dispvm", Type.VM, Check.NONE_ALLOWED, false, "",
                "Default VM to be used as Disposable VM for service calls."));
        add(m, new Prop("default_qrexec_timeout", Type.INT, Check.POSITIVE, false, "60",
                "Default time in seconds after which qrexec connection attempt is deemed failed"));
        add(m, new Prop("dispid", Type.INT, Check.READ_ONLY, false, null, "Internal, persistent identifier of particular DispVM."));
        add(m, new Prop("backup_timestamp", Type.INT, Check.NONE, false, "",
                "Time of last backup of the qube, in seconds since unix epoch"));
        return Map.copyOf(m);
    }

    private static void add(Map<String, Prop> m, Prop p) {
        m.put(p.name(), p);
    }

    /** The declaration of a property; one the schema does not know is typed from its value, as text. */
    static Prop of(String name, String value) {
        Prop p = PROPS.get(name);
        if (p != null) {
            return p;
        }
        Type t = value.equals("True") || value.equals("False") ? Type.BOOL : value.matches("-?[0-9]+") ? Type.INT : Type.STR;
        return new Prop(name, t, Check.NONE, false, null, "");
    }

    /** The default value of a property on a qube, or empty when it has none. */
    static Optional<String> defaultOf(SimHost host, String qube, Prop p) {
        if (p.inherited()) {
            String template = host.properties(qube).getOrDefault("template", "");
            if (!template.isEmpty()) {
                return Optional.ofNullable(host.properties(template).get(p.name()));
            }
        }
        return Optional.ofNullable(p.fallback());
    }

    /** The wire name of a type ({@code _serialize_property}). */
    static String wireType(Type t) {
        return t.name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * {@code property.sanitize} and the setter's check: the value to store, or Qubes' exception
     * with Qubes' message.
     */
    static String sanitize(SimHost host, String qube, Prop p, String value) {
        if (!value.chars().allMatch(ch -> ch < 128)) {
            throw new QubesException(QubesException.VALUE_ERROR, "Non-ASCII bytes in property value");
        }
        if (p.check() == Check.READ_ONLY) {
            throw propertyValue("property '" + p.name() + "' on " + host.qube(qube).klass() + " instance cannot be set");
        }
        return switch (p.type()) {
            case INT -> checkInt(p, value);
            case BOOL -> checkBool(value);
            case LABEL -> {
                if (!LABELS.containsKey(value)) {
                    throw new QubesException("QubesLabelNotFoundError", "Label does not exist: " + value);
                }
                yield value;
            }
            case VM -> checkVm(host, qube, p, value);
            case STR -> {
                if (!value.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f || ch == '\t' || ch == '\n')) {
                    throw new QubesException(QubesException.VALUE_ERROR, "Invalid characters in property value");
                }
                yield value;
            }
        };
    }

    private static String checkInt(Prop p, String value) {
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new QubesException(QubesException.VALUE_ERROR, "Failed to parse property value as int");
        }
        if (p.check() == Check.POSITIVE && n <= 0) {
            throw propertyValue(p.name() + " must be positive");
        }
        if (p.check() == Check.NON_NEGATIVE && n < 0) {
            throw propertyValue(p.name() + " must be positive or zero");
        }
        return Long.toString(n);
    }

    private static String checkBool(String value) {
        String lc = value.toLowerCase(java.util.Locale.ROOT);
        if (BOOL_TRUE.contains(lc)) {
            return "True";
        }
        if (BOOL_FALSE.contains(lc)) {
            return "False";
        }
        throw new QubesException(QubesException.VALUE_ERROR, "Invalid literal for boolean property: '" + value + "'");
    }

    private static String checkVm(SimHost host, String qube, Prop p, String value) {
        if (value.isEmpty()) {
            if (p.check() != Check.NONE_ALLOWED) {
                throw propertyValue("Invalid value '' for property '" + p.name() + "' of '" + qube + "'");
            }
            return value;
        }
        if (host.listQubes().stream().noneMatch(q -> q.name().equals(value))) {
            throw propertyValue("Can't set " + p.name() + " to non-existing qube " + value);
        }
        if (p.name().equals("template") && host.qube(qube).isDispVm()
                && !"True".equals(host.properties(value).get("template_for_dispvms"))) {
            throw propertyValue("template for disposable must have template_for_dispvms=True");
        }
        return value;
    }

    private static QubesException propertyValue(String message) {
        return new QubesException("QubesPropertyValueError", message);
    }
}
