package dispool.host;

import java.util.Map;

/**
 * One frame of the host's event stream, as admin.Events sends it: the subject qube (empty for
 * events of the host itself, such as {@code domain-add} or {@code property-set:default_dispvm}),
 * the event name, and its keyword arguments as strings.
 */
public record HostEvent(String subject, String name, Map<String, String> kwargs) {

    public static final String CONNECTION_ESTABLISHED = "connection-established";

    public HostEvent {
        kwargs = Map.copyOf(kwargs);
    }

    public static HostEvent of(String subject, String name, String... keyValues) {
        Map<String, String> kw = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            kw.put(keyValues[i], keyValues[i + 1]);
        }
        return new HostEvent(subject, name, kw);
    }

    public String kwarg(String key) {
        return kwargs.getOrDefault(key, "");
    }

    /** For {@code domain-feature-set:preload-dispvm-max} returns {@code preload-dispvm-max}. */
    public String suffix() {
        int colon = name.indexOf(':');
        return colon < 0 ? "" : name.substring(colon + 1);
    }

    /** True for the event {@code prefix} itself and for {@code prefix:anything}; called per event and reaction, so it builds no string. */
    public boolean is(String prefix) {
        return name.startsWith(prefix) && (name.length() == prefix.length() || name.charAt(prefix.length()) == ':');
    }
}
