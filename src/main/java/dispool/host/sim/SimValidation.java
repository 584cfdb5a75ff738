package dispool.host.sim;

import dispool.host.QubesException;
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

    static void feature(SimQube q, String feature, String value) {
        if (!NAME.matcher(feature).matches()) {
            throw new QubesException(QubesException.VALUE_ERROR, "Invalid feature name: " + feature);
        }
        if (!PRINTABLE.matcher(value).matches()) {
            throw new QubesException(QubesException.VALUE_ERROR, "Feature value must be printable ASCII");
        }
        switch (feature) {
            case "preload-dispvm-max" -> digits(feature, value);
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
