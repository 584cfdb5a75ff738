package dispool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The names {@code dispool get/set/unset} use, in qvm-features' lower-case-with-dashes manner, and
 * the service's JSON fields behind them. A pool's max is its template's {@code preload-dispvm-max};
 * the global keys are dom0's features and the global default_dispvm. Qubes' own names are taken
 * too ({@link #QUBES_NAMES}), so {@code dispool set web-dvm preload-dispvm-max 2} does what
 * {@code qvm-features web-dvm preload-dispvm-max 2} does.
 */
final class Keys {

    /** Pool key → the field of {@code GET /pools/{template}}. */
    static final Map<String, String> POOL = ordered(
            "max", "max", "max-source", "maxSource", "threshold", "thresholdMiB", "delay", "delaySeconds",
            "memory", "memoryMiB", "preload-memory", "pausedMemoryMiB", "ready", "ready", "starting", "starting", "preloads", "preloads",
            "last-failure", "lastFailure", "failures", "failures", "retry-in-ms", "retryInMs", "warning", "warning",
            "policy", "policy");

    /** Pool keys a PUT /pools/{template} takes, with the field it writes. */
    static final Map<String, String> POOL_SETTABLE = ordered("max", "max", "policy", "policy");

    /** Global key → the field of {@code GET/PUT /settings}. */
    static final Map<String, String> GLOBAL = ordered(
            "max", "globalMax", "threshold", "thresholdMiB", "delay", "delaySeconds", "default-dispvm", "defaultDispvm",
            "available", "availableMiB", "available-source", "availableMemorySource");

    /** Global keys a PUT /settings takes, with the field it writes. */
    static final Map<String, String> GLOBAL_SETTABLE = ordered(
            "max", "globalMax", "threshold", "threshold", "delay", "delay", "default-dispvm", "defaultDispvm");

    /** Qubes' feature and property names, and the key each one is. */
    static final Map<String, String> QUBES_NAMES = ordered(
            "preload-dispvm-max", "max", "preload-dispvm-threshold", "threshold", "preload-dispvm-delay", "delay",
            "preload-dispvm-x-dispool-policy", "policy", "default_dispvm", "default-dispvm");

    private Keys() {
    }

    /** The field behind {@code key} (or its Qubes name); a usage error naming the keys when there is none. */
    static String field(CommandSpec spec, Map<String, String> keys, String key) {
        String field = keys.get(QUBES_NAMES.getOrDefault(key, key));
        if (field == null) {
            List<String> qubes = QUBES_NAMES.entrySet().stream().filter(e -> keys.containsKey(e.getValue()))
                    .map(Map.Entry::getKey).toList();
            throw new ParameterException(spec.commandLine(), "unknown key '" + key + "': one of " + keys.keySet()
                    + (qubes.isEmpty() ? "" : ", or Qubes' names " + qubes));
        }
        return field;
    }

    /**
     * A field as a user reads it: "-" for none, preloads as NAME:STATE words, with the MiB a paused
     * one holds when it was read (NAME:READY:MIB).
     */
    static String text(JsonNode v) {
        if (v == null || v.isNull()) {
            return "-";
        }
        if (v.isArray()) {
            return StreamSupport.stream(v.spliterator(), false)
                    .map(Keys::preload).collect(Collectors.joining(" "));
        }
        return v.isValueNode() ? v.asText() : JsonText.write(v);
    }

    private static String preload(JsonNode p) {
        JsonNode mib = p.get("memoryMiB");
        return p.get("name").asText() + ":" + p.get("state").asText() + (mib == null || mib.isNull() ? "" : ":" + mib.asText());
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
