package dispool.host.model;

import dispool.host.QubesException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * qubesd R4.3's checks on feature writes (qubes/api/admin.py, and the pre-set handlers of
 * qubes/vm/mix/dvmtemplate.py and qubes/vm/adminvm.py on the release4.3 branch; keep in sync),
 * with Qubes' messages: the one validator of every host model, so the simulator and the QEMU host
 * refuse what Qubes refuses. (Qubes' main branch also asks for {@code qubes.WaitForSession}.)
 */
public final class FeatureRules {

    public static final String MAX = "preload-dispvm-max";
    public static final String THRESHOLD = "preload-dispvm-threshold";
    public static final String DELAY = "preload-dispvm-delay";
    static final String READINESS_RPC = "qubes.WaitForRunningSystem";

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7E]*");

    private FeatureRules() {
    }

    /**
     * Throws Qubes' {@code QubesValueError} where qubesd refuses {@code feature = value} on
     * {@code q}. {@code qubeByName} finds a template (Qubes' {@code check_with_template});
     * {@code defaultDispvm} is the global property (dom0's max is checked as that qube's).
     */
    public static void check(ModelQube q, String feature, String value, Function<String, ModelQube> qubeByName,
            String defaultDispvm) {
        if (!NAME.matcher(feature).matches()) {
            throw new QubesException(QubesException.VALUE_ERROR, "Invalid feature name: " + feature);
        }
        if (!PRINTABLE.matcher(value).matches()) {
            throw new QubesException(QubesException.VALUE_ERROR, "Feature value must be printable ASCII");
        }
        String old = q.features.get(feature);
        switch (feature) {
            case MAX -> max(q, value, old, qubeByName, defaultDispvm);
            case THRESHOLD -> {
                if ("AdminVM".equals(q.klass)) {
                    digits(feature, value);
                }
            }
            case DELAY -> {
                if (("AdminVM".equals(q.klass) || "AppVM".equals(q.klass)) && !value.equals(old)
                        && PythonFloat.parse(value.isEmpty() ? "0" : value).isEmpty()) {
                    throw new QubesException(QubesException.VALUE_ERROR, "Invalid " + feature + " value: not an integer or float");
                }
            }
            default -> { }
        }
    }

    /**
     * A DVM template's own max (the handler of every AppVM); dom0's, when it changes and a
     * {@code default_dispvm} is set, is checked by that qube's handler, and otherwise not at all.
     */
    private static void max(ModelQube q, String value, String old, Function<String, ModelQube> qubeByName,
            String defaultDispvm) {
        if ("AppVM".equals(q.klass)) {
            supportsPreload(q, qubeByName);
            digits(MAX, value);
        } else if ("AdminVM".equals(q.klass) && !value.equals(old) && defaultDispvm != null && !defaultDispvm.isEmpty()) {
            ModelQube d = qubeByName.apply(defaultDispvm);
            if (d != null) {
                max(d, value, null, qubeByName, null);
            }
        }
    }

    /** {@code on_feature_pre_set_preload_dispvm_max}: qrexec and the readiness RPC, on the qube or its template. */
    private static void supportsPreload(ModelQube q, Function<String, ModelQube> qubeByName) {
        if (!checkWithTemplate(q, "qrexec", qubeByName)) {
            throw new QubesException(QubesException.VALUE_ERROR, "Qube does not support qrexec");
        }
        if (!checkWithTemplate(q, "supported-rpc." + READINESS_RPC, qubeByName)) {
            throw new QubesException(QubesException.VALUE_ERROR, "Qube does not support the RPC '" + READINESS_RPC + "'");
        }
    }

    /** Qubes' {@code features.check_with_template}: the first value up the template chain; true when non-empty. */
    private static boolean checkWithTemplate(ModelQube q, String feature, Function<String, ModelQube> qubeByName) {
        for (ModelQube at = q; at != null; at = qubeByName.apply(at.properties.getOrDefault("template", ""))) {
            String value = at.features.get(feature);
            if (value != null) {
                return !value.isEmpty();
            }
        }
        return false;
    }

    /** Qubes' {@code (value or "0").isdigit()}. */
    private static void digits(String feature, String value) {
        if (!DIGITS.matcher(value.isEmpty() ? "0" : value).matches()) {
            throw new QubesException(QubesException.VALUE_ERROR, "Invalid " + feature + " value: not a digit");
        }
    }
}
