package dispool.pool;

import dispool.host.QubeNames;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The knobs, named exactly as Qubes R4.3 names its features, and the one validator that REST,
 * the CLI and startup configuration all use. A user who knows
 * {@code qvm-features web-dvm preload-dispvm-max 2} finds the same knob here.
 */
public final class PreloadFeatures {

    /** Pool size, on a DVM template (local) or on dom0 (global, for the default_dispvm). */
    public static final String MAX = "preload-dispvm-max";
    /** MiB of memory that preloading must leave available; dom0 only. */
    public static final String THRESHOLD = "preload-dispvm-threshold";
    /** Seconds to wait before refilling after a hand-out; template, then dom0. */
    public static final String DELAY = "preload-dispvm-delay";

    public static final String DOM0 = "dom0";
    public static final String DEFAULT_DISPVM = "default_dispvm";

    /** dispool's own sanity limits; Qubes sets none, but a pool of 1000 qubes is a typo. */
    public static final int MAX_LIMIT = 100;
    public static final long THRESHOLD_LIMIT_MIB = 1L << 20;
    public static final double DELAY_LIMIT_SECONDS = 86_400;
    public static final double DEFAULT_DELAY_SECONDS = 3;

    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    /**
     * A finite number as Python's {@code float()} reads it (Qubes validates preload-dispvm-delay
     * with it, qubes/vm/adminvm.py): digits with single underscores between them, an optional
     * fraction and exponent. "nan" and "inf" are floats too, but never a usable delay.
     */
    private static final Pattern PYTHON_FLOAT = Pattern.compile(
            "[+-]?(?:\\d(?:_?\\d)*(?:\\.(?:\\d(?:_?\\d)*)?)?|\\.\\d(?:_?\\d)*)(?:[eE][+-]?\\d(?:_?\\d)*)?");

    private PreloadFeatures() {
    }

    /** Checks a max given by a user; returns it, or throws naming the qube, value and rule. */
    public static int validateMax(String qube, String value) {
        String rule = "digits only, from 0 to " + MAX_LIMIT;
        if (value == null || !DIGITS.matcher(value.trim()).matches()) {
            throw DispoolException.invalid("max", value, rule,
                    qube + ": " + MAX + " '" + value + "' refused: must be " + rule);
        }
        int max = parseBounded(value.trim(), MAX_LIMIT);
        if (max < 0) {
            throw DispoolException.invalid("max", value, rule,
                    qube + ": " + MAX + " '" + value + "' refused: must be at most " + MAX_LIMIT);
        }
        return max;
    }

    public static long validateThreshold(String value) {
        String rule = "MiB, digits only, at most " + THRESHOLD_LIMIT_MIB;
        if (value == null || !DIGITS.matcher(value.trim()).matches()
                || value.trim().length() > 10 || Long.parseLong(value.trim()) > THRESHOLD_LIMIT_MIB) {
            throw DispoolException.invalid("threshold", value, rule,
                    "dom0: " + THRESHOLD + " '" + value + "' refused: must be " + rule);
        }
        return Long.parseLong(value.trim());
    }

    public static double validateDelay(String qube, String value) {
        String rule = "seconds, a number from -" + (long) DELAY_LIMIT_SECONDS + " to " + (long) DELAY_LIMIT_SECONDS
                + " (negative: refill only when the pool is empty)";
        String v = value == null ? "" : value.trim();
        // Java's parseDouble also takes "5d" and hex ("0x1p3"), which Qubes' float() refuses.
        double delay = PYTHON_FLOAT.matcher(v).matches() ? Double.parseDouble(v.replace("_", "")) : Double.NaN;
        if (!(Math.abs(delay) <= DELAY_LIMIT_SECONDS)) {
            throw DispoolException.invalid("delay", value, rule,
                    qube + ": " + DELAY + " '" + value + "' refused: must be " + rule);
        }
        return delay;
    }

    /** Throws unless {@code name} follows Qubes' name rule. */
    public static String validateQubeName(String field, String name) {
        String problem = QubeNames.problem(name);
        if (problem != null) {
            throw DispoolException.invalid(field, name, "Qubes' name rule", "'" + name + "' is not a qube name: " + problem);
        }
        return name;
    }

    /**
     * A max as read from the host: empty or absent counts as 0, like qubesd; junk counts as 0 and
     * anything above {@link #MAX_LIMIT} as the limit (the pool view says so).
     */
    static int hostMax(Optional<String> value) {
        String v = value.orElse("").trim();
        if (!DIGITS.matcher(v).matches()) {
            return 0;
        }
        int n = parseBounded(v, MAX_LIMIT);
        return n < 0 ? MAX_LIMIT : n;
    }

    static boolean isValidHostMax(Optional<String> value) {
        String v = value.orElse("").trim();
        return v.isEmpty() || DIGITS.matcher(v).matches();
    }

    static long hostThreshold(Optional<String> value) {
        String v = value.orElse("").trim();
        return DIGITS.matcher(v).matches() && v.length() < 12 ? Long.parseLong(v) : 0;
    }

    static Optional<Double> hostDelay(Optional<String> value) {
        try {
            return value.map(v -> v.trim().isEmpty() ? 0.0 : Double.parseDouble(v.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Parses digits; returns -1 when the number exceeds {@code limit}. */
    private static int parseBounded(String digits, int limit) {
        String stripped = digits.replaceFirst("^0+(?=.)", "");
        if (stripped.length() > 9) {
            return -1;
        }
        int n = Integer.parseInt(stripped);
        return n > limit ? -1 : n;
    }
}
