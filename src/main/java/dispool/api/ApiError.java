package dispool.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The JSON body of every 4xx/5xx answer. {@code error} is one of the closed set {@link ErrorCode}
 * (clients may match on it); {@code field}, {@code value} and {@code rule} say which input broke
 * which rule, when the error is about input (null otherwise).
 */
@Schema(name = "Error", description = "Every 4xx and 5xx answer of the API")
public record ApiError(
        @Schema(description = "one of: invalid-input, unauthorized, forbidden, not-found, conflict, busy, "
                + "insufficient-memory, host-unavailable, host-error, internal", required = true) ErrorCode error,
        @Schema(description = "what was wrong and what to do", required = true) String message,
        @Schema(description = "the input that broke a rule (a body field, a path parameter, a header)") String field,
        @Schema(description = "the value given") String value,
        @Schema(description = "the rule it broke") String rule) {

    static ApiError of(ErrorCode error, String message) {
        return new ApiError(error, message, null, null, null);
    }
}
