package dispool.host.sim;

import dispool.host.QubesException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * qubesd R4.3's checks on feature writes (qubes/api/admin.py and the pre-set handlers of
 * qubes/vm/mix/dvmtemplate.py and qubes/vm/adminvm.py; keep in sync), with Qubes' messages.
 */
final class SimValidation {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]*");
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7E]*");

    private SimValidation() {
    }

    /** {@code qubeByName} finds the qube's template, for Qubes' {@code check_with_template}. */
    static void feature(SimQube q, String feature, String value, Function<String, SimQube> qubeByName) {
        if (!NAME.matcher(feature).matches()) {
            throw new QubesException(QubesException.VALUE_ERROR, "Invalid feature name: " + feature);
        }
        if (!PRINTABLE.matcher(value).matches()) {
            throw new QubesException(QubesException.VALUE_ERROR, "Feature value must be printable ASCII");
        }
        switch (feature) {
            case "preload-dispvm-max" -> {
                if ("AppVM".equals(q.klass)) {
                    supportsPreload(q, qubeByName);
                }
                digits(feature, value);
            }
            case "preload-dispvm-threshold" -> {
                if (!"AdminVM".equals(q.klass)) {
                    throw new QubesException(QubesException.VALUE_ERROR, "preload-dispvm-threshold is a dom0 feature");
                }
                digits(feature, value);
            }
            case "preload-dispvm-delay" -> number(feature, value);
            default -> { }
        }
    }

    /** {@code on_feature_pre_set_preload_dispvm_max}: qrexec and the readiness RPC, on the qube or its template. */
    private static void supportsPreload(SimQube q, Function<String, SimQube> qubeByName) {
        if (!checkWithTemplate(q, "qrexec", qubeByName)) {
            throw new QubesException(QubesException.VALUE_ERROR, "Qube does not support qrexec");
        }
        if (!checkWithTemplate(q, "supported-rpc.qubes.WaitForRunningSystem", qubeByName)) {
            throw new QubesException(QubesException.VALUE_ERROR, "Qube does not support the RPC 'qubes.WaitForRunningSystem'");
        }
    }

    /** Qubes' {@code features.check_with_template}: the first value up the template chain; true when non-empty. */
    private static boolean checkWithTemplate(SimQube q, String feature, Function<String, SimQube> qubeByName) {
        for (SimQube at = q; at != null; at = qubeByName.apply(at.properties.getOrDefault("template", ""))) {
            String value = at.features.get(feature);
            if (value != null) {
                return !value.isEmpty();
            }
        }
        return false;
    }

    private static void digits(String feature, String value) {
        if (!DIGITS.matcher(value).matches()) {
            throw new QubesException(QubesException.VALUE_ERROR, "Invalid " + feature + " value: not a digit");
        }
    }

    private static void number(String feature, String value) {
        if (value.isEmpty()) {
            return;
        }
        try {
            Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new QubesException(QubesException.VALUE_ERROR, "Invalid " + feature + " value: not an integer or float");
        }
    }
}
