package dispool.host.qemu;

import dispool.host.QubesException;
import java.util.regex.Pattern;

/**
 * qubesd R4.3's checks on feature writes that dispool's knobs depend on (qubes/api/admin.py and
 * the pre-set handlers of qubes/vm/mix/dvmtemplate.py and qubes/vm/adminvm.py), with Qubes'
 * messages, so the QEMU host refuses what Qubes refuses.
 */
final class FeatureRules {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]*");
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7E]*");

    private FeatureRules() {
    }

    static void check(QemuQube q, String feature, String value) {
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
            case "preload-dispvm-delay" -> {
                try {
                    if (!value.isEmpty()) {
                        Double.parseDouble(value);
                    }
                } catch (NumberFormatException e) {
                    throw new QubesException(QubesException.VALUE_ERROR, "Invalid " + feature + " value: not an integer or float");
                }
            }
            default -> { }
        }
    }

    private static void digits(String feature, String value) {
        if (!DIGITS.matcher(value).matches()) {
            throw new QubesException(QubesException.VALUE_ERROR, "Invalid " + feature + " value: not a digit");
        }
    }
}
