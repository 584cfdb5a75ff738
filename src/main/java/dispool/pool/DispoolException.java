package dispool.pool;

import dispool.host.QubesException;

/**
 * A request dispool refuses or cannot serve. The message names what was wrong and what to do;
 * {@link #kind} tells the REST layer which status to answer with, and {@link #field},
 * {@link #value} and {@link #rule} say which input broke which rule (null when not about input).
 */
public class DispoolException extends RuntimeException {

    /**
     * What went wrong, in the caller's terms: bad input, no such thing, a state that refuses the
     * call, the host failing, a qube that is not dispool's to touch ({@code FORBIDDEN}), too many
     * cold starts at once ({@code BUSY}, see {@link #retryAfterSeconds}), not enough memory for
     * one more disposable ({@code INSUFFICIENT_MEMORY}), or any other refusal of the host
     * ({@code HOST_ERROR}, see {@link #hostType}).
     */
    public enum Kind { INVALID, NOT_FOUND, CONFLICT, UNAVAILABLE, FORBIDDEN, BUSY, INSUFFICIENT_MEMORY, HOST_ERROR }

    private final Kind kind;
    private final String field;
    private final String value;
    private final String rule;
    private final long retryAfterSeconds;
    private final String hostType;

    public DispoolException(Kind kind, String message, String field, String value, String rule) {
        super(message);
        this.kind = kind;
        this.field = field;
        this.value = value;
        this.rule = rule;
        this.retryAfterSeconds = 0;
        this.hostType = null;
    }

    private DispoolException(String message, long retryAfterSeconds) {
        super(message);
        this.kind = Kind.BUSY;
        this.field = null;
        this.value = null;
        this.rule = null;
        this.retryAfterSeconds = retryAfterSeconds;
        this.hostType = null;
    }

    public DispoolException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, null);
    }

    private DispoolException(Kind kind, String message, Throwable cause, String hostType) {
        super(message, cause);
        this.kind = kind;
        this.field = null;
        this.value = null;
        this.rule = null;
        this.retryAfterSeconds = 0;
        this.hostType = hostType;
    }

    /**
     * The host refused a call ({@link HostErrors}): {@code hostType} is Qubes' exception type, and
     * the message keeps the host's words (which may name local paths: see {@link #hostType}).
     */
    static DispoolException hostRefused(Kind kind, String message, QubesException cause) {
        return new DispoolException(kind, message, cause, cause.type());
    }

    public static DispoolException invalid(String field, String value, String rule, String message) {
        return new DispoolException(Kind.INVALID, message, field, value, rule);
    }

    /** A {@link Kind#BUSY} refusal: the caller may try again after {@code retryAfterSeconds} (at least 1). */
    public static DispoolException busy(String message, long retryAfterSeconds) {
        return new DispoolException(message, Math.max(1, retryAfterSeconds));
    }

    /** A {@link Kind#FORBIDDEN} refusal of {@code field}'s qube {@code value}: not dispool's to touch. */
    public static DispoolException forbidden(String field, String value, String rule, String message) {
        return new DispoolException(Kind.FORBIDDEN, message, field, value, rule);
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

    /**
     * Qubes' exception type when the host refused the call (e.g. {@code QubesVMNotPausedError}),
     * else null. Its message quotes the host, which may name local paths a caller should not see.
     */
    public String hostType() {
        return hostType;
    }

    /** Seconds the caller should wait before trying again; 0 unless {@link Kind#BUSY}. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
