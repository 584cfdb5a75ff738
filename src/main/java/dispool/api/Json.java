package dispool.api;

import com.fasterxml.jackson.databind.JsonNode;
import dispool.pool.DispoolException;
import java.util.Iterator;
import java.util.List;

/** Reads request bodies strictly: unknown fields and wrong types are refused, naming the field. */
final class Json {

    private Json() {
    }

    /** The field as text (numbers as written), refusing unknown fields; throws when absent. */
    static String field(JsonNode body, String name, List<String> allowed) {
        requireObject(body, allowed);
        if (!body.has(name) || body.get(name).isNull()) {
            throw DispoolException.invalid(name, null, "required", "the body must give \"" + name + "\"");
        }
        return text(body, name);
    }

    /** The field as text, null when absent. */
    static String optional(JsonNode body, String name) {
        return body.has(name) && !body.get(name).isNull() ? text(body, name) : null;
    }

    static void requireObject(JsonNode body, List<String> allowed) {
        if (body == null || !body.isObject()) {
            throw DispoolException.invalid("body", body == null ? null : body.toString(), "a JSON object",
                    "the body must be a JSON object with " + allowed);
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw DispoolException.invalid(f, body.get(f).toString(), "one of " + allowed,
                        "unknown field \"" + f + "\"; allowed: " + allowed);
            }
        }
    }

    private static String text(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (v.isValueNode()) {
            return v.isTextual() ? v.textValue() : v.asText();
        }
        throw DispoolException.invalid(name, v.toString(), "a number or string", "\"" + name + "\" must be a number or string");
    }
}
