package dispool.host.qubesd.wire;

import dispool.host.PowerState;
import dispool.host.QubeInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text inside successful replies: qube listings, property values, {@code key=value} lines.
 * Formats as in the reference's §4; every parser throws {@link WireException} naming the line it
 * could not read.
 */
public final class Values {

    private Values() {
    }

    /** A property as {@code admin.vm.property.Get} prints it: {@code default=.. type=.. value}. */
    public record Property(boolean isDefault, String type, String value) {
    }

    /** {@code admin.vm.List}: {@code NAME class=CLASS state=STATE [uuid=UUID]} per line. */
    public static List<QubeInfo> qubeList(String text) {
        List<QubeInfo> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int space = line.indexOf(' ');
            if (space <= 0) {
                throw new WireException("admin.vm.List line without class and state: '" + line + "'");
            }
            Map<String, String> kv = words(line.substring(space + 1), "admin.vm.List");
            String klass = kv.get("class");
            String state = kv.get("state");
            if (klass == null || state == null) {
                throw new WireException("admin.vm.List line without class= or state=: '" + line + "'");
            }
            out.add(new QubeInfo(line.substring(0, space), klass, powerState(state)));
        }
        return out;
    }

    /** True when the listing carries {@code uuid=} (R4.3 ≥ v4.3.9; R4.2 lines end after state=). */
    public static boolean listsUuids(String listText) {
        return listText.contains(" uuid=");
    }

    /** Qubes' power state; an unknown word becomes {@link PowerState#NA}, as qubesd reports unknown states. */
    public static PowerState powerState(String word) {
        for (PowerState s : PowerState.values()) {
            if (s.name().equals(word)) {
                return s;
            }
        }
        return PowerState.NA;
    }

    /** {@code default=True type=int 400}: exactly one space after the type; the value may be empty. */
    public static Property property(String text) {
        if (!text.startsWith("default=")) {
            throw new WireException("property reply must start with default=: '" + text + "'");
        }
        int sp1 = text.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : text.indexOf(' ', sp1 + 1);
        if (sp1 < 0 || !text.startsWith("type=", sp1 + 1) || sp2 < 0) {
            throw new WireException("property reply must read 'default=.. type=.. value': '" + text + "'");
        }
        return new Property("True".equals(text.substring(8, sp1)), text.substring(sp1 + 6, sp2), text.substring(sp2 + 1));
    }

    /** {@code admin.vm.property.GetAll}: {@code NAME default=.. type=.. value} per line, value escaped. */
    public static Map<String, String> allProperties(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int space = line.indexOf(' ');
            if (space <= 0) {
                throw new WireException("admin.vm.property.GetAll line without a value: '" + line + "'");
            }
            out.put(line.substring(0, space), unescape(property(line.substring(space + 1)).value()));
        }
        return out;
    }

    /** GetAll writes {@code \} as {@code \\} and a newline as {@code \n}. */
    static String unescape(String v) {
        StringBuilder s = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length()) {
                char n = v.charAt(++i);
                s.append(n == 'n' ? '\n' : n);
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }

    /** {@code key=value} lines (admin.vm.volume.Info). */
    public static Map<String, String> keyValueLines(String text, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    throw new WireException(what + ": line without key=value: '" + line + "'");
                }
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }

    /** Space-separated {@code key=value} words (admin.vm.CurrentState, the tail of an admin.vm.List line). */
    public static Map<String, String> words(String text, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String w : text.trim().split(" +")) {
            int eq = w.indexOf('=');
            if (eq <= 0) {
                throw new WireException(what + ": word without key=value: '" + w + "' in '" + text + "'");
            }
            out.put(w.substring(0, eq), w.substring(eq + 1));
        }
        return out;
    }
}
