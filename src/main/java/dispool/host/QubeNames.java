package dispool.host;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Qubes' name rule ({@code validate_name} in core-admin, R4.3 form): 1 to 31 characters, a letter
 * first, then letters, digits, {@code _ . -}; not {@code Domain-0}, {@code none} or
 * {@code default}, and not ending in {@code -dm}. Checked before any name goes to a host.
 */
public final class QubeNames {

    private static final Pattern RULE = Pattern.compile("[a-zA-Z][a-zA-Z0-9_.-]*");
    private static final Set<String> RESERVED = Set.of("Domain-0", "none", "default");
    public static final int MAX_LENGTH = 31;

    private QubeNames() {
    }

    /** Why {@code name} breaks the rule, or {@code null} when it is a valid qube name. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "a qube name must not be empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "a qube name must be shorter than 32 characters (it has " + name.length() + ")";
        }
        if (!RULE.matcher(name).matches()) {
            return "a qube name must start with a letter and hold only letters, digits, '_', '.' and '-'";
        }
        if (RESERVED.contains(name) || name.endsWith("-dm")) {
            return "'Domain-0', 'none', 'default' and names ending in '-dm' are reserved by Qubes";
        }
        return null;
    }
}
