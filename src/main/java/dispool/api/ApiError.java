package dispool.api;

/**
 * The JSON body of every 4xx/5xx answer. {@code error} is a stable code clients may match on
 * (changing one is a breaking change); {@code field}, {@code value} and {@code rule} say which
 * input broke which rule, when the error is about input.
 */
public record ApiError(String error, String message, String field, String value, String rule) {

    static ApiError of(String error, String message) {
        return new ApiError(error, message, null, null, null);
    }
}
