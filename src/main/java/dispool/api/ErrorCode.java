package dispool.api;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The closed set of {@code error} codes an answer of the REST API can carry. Clients match on
 * them, so adding one or changing one is a change of the API (README "Errors" lists them, and
 * OpenAPI lists per call which ones it answers). The status is the usual one for the code; a few
 * HTTP-level refusals keep their own status (405, 413, 415) under {@link #INVALID_INPUT}.
 */
public enum ErrorCode {
    /** The request is malformed or a value breaks a rule: {@code field}, {@code value}, {@code rule} say which. */
    INVALID_INPUT("invalid-input", 400),
    /** No credential, or a wrong one, on a call that needs it (TCP without the bearer token). */
    UNAUTHORIZED("unauthorized", 401),
    /** Refused whoever asks: a foreign Origin or Host, a setting that is off, a qube dispool did not hand out. */
    FORBIDDEN("forbidden", 403),
    /** No such qube, or no such path. */
    NOT_FOUND("not-found", 404),
    /** The qube exists but is in the wrong state or of the wrong kind (the message says which). */
    CONFLICT("conflict", 409),
    /** Too much work in flight; try again after the {@code Retry-After} header's seconds. */
    BUSY("busy", 429),
    /** The host has not enough memory for one more disposable now. */
    INSUFFICIENT_MEMORY("insufficient-memory", 507),
    /** The host could not be reached or could not serve now (qubesd down, a cold start failed); try again. */
    HOST_UNAVAILABLE("host-unavailable", 503),
    /** The host refused a call with an error dispool did not expect; the service log has the details. */
    HOST_ERROR("host-error", 502),
    /** A fault in dispool itself; the message gives the incident id to look for in the service log. */
    INTERNAL("internal", 500);

    private final String code;
    private final int status;

    ErrorCode(String code, int status) {
        this.code = code;
        this.status = status;
    }

    @JsonValue
    public String code() {
        return code;
    }

    public int status() {
        return status;
    }
}
