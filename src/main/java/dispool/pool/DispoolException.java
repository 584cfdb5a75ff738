package dispool.pool;

/**
 * A request dispool refuses or cannot serve. The message names what was wrong and what to do;
 * {@link #kind} tells the REST layer which status to answer with, and {@link #field},
 * {@link #value} and {@link #rule} say which input broke which rule (null when not about input).
 */
public class DispoolException extends RuntimeException {

    public enum Kind { INVALID, NOT_FOUND, CONFLICT, UNAVAILABLE }

    private final Kind kind;
    private final String field;
    private final String value;
    private final String rule;

    public DispoolException(Kind kind, String message, String field, String value, String rule) {
        super(message);
        this.kind = kind;
        this.field = field;
        this.value = value;
        this.rule = rule;
    }

    public DispoolException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.field = null;
        this.value = null;
        this.rule = null;
    }

    public static DispoolException invalid(String field, String value, String rule, String message) {
        return new DispoolException(Kind.INVALID, message, field, value, rule);
    }

    public Kind kind() {
        return kind;
    }

    public String field() {
        return field;
    }

    public String value() {
        return value;
    }

    public String rule() {
        return rule;
    }
}
