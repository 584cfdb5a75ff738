package dispool.host.model;

import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * Python's {@code float(str)}, which qubesd applies to {@code preload-dispvm-delay}: surrounding
 * whitespace, a sign, digits with single underscores between them, an optional fraction and
 * exponent, and {@code inf}, {@code infinity}, {@code nan} in any case. Java's
 * {@code Double.parseDouble} differs: it takes {@code "5d"}, {@code "5f"} and hex
 * ({@code "0x1p3"}), which Python refuses, and refuses {@code "inf"} and {@code "1_000"}, which
 * Python takes.
 */
public final class PythonFloat {

    private static final String DIGITS = "[0-9](?:_?[0-9])*";
    private static final Pattern FINITE = Pattern.compile(
            "[+-]?(?:D(?:\\.(?:D)?)?|\\.D)(?:[eE][+-]?D)?".replace("D", DIGITS));
    private static final Pattern SPECIAL = Pattern.compile("[+-]?(?:inf|infinity|nan)", Pattern.CASE_INSENSITIVE);
    /** What Python's {@code str.strip()} removes in ASCII. */
    private static final Pattern WHITESPACE = Pattern.compile("^[ \\t\\n\\r\\x0B\\x0C]+|[ \\t\\n\\r\\x0B\\x0C]+$");

    private PythonFloat() {
    }

    /** {@code float(value)} as Python computes it; empty where Python raises {@code ValueError}. */
    public static OptionalDouble parse(String value) {
        String v = WHITESPACE.matcher(value).replaceAll("");
        if (FINITE.matcher(v).matches()) {
            return OptionalDouble.of(Double.parseDouble(v.replace("_", "")));
        }
        if (SPECIAL.matcher(v).matches()) {
            boolean negative = v.startsWith("-");
            String word = v.replaceFirst("^[+-]", "").toLowerCase(java.util.Locale.ROOT);
            return OptionalDouble.of(word.equals("nan") ? Double.NaN
                    : negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        return OptionalDouble.empty();
    }
}
