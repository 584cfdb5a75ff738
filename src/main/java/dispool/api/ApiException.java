package dispool.api;

/**
 * A refusal decided at the API's edge (access rules, settings that are off, HTTP-level input
 * errors) rather than by the engine, with its code, status and the input it is about.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final ApiError body;

    public ApiException(int status, ApiError body) {
        super(body.message());
        this.status = status;
        this.body = body;
    }

    public ApiException(ErrorCode code, String message, String field, String value, String rule) {
        this(code.status(), new ApiError(code, message, field, value, rule));
    }

    public int status() {
        return status;
    }

    public ApiError body() {
        return body;
    }
}
