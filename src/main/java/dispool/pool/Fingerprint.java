package dispool.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What makes a preload outdated, after Qubes' {@code DispVM.is_preload_outdated}
 * (qubes/vm/dispvm.py, R4.3 ≥ v4.3.40; keep in sync): the {@code private} volume size, and every
 * property present on both qubes except the ignored ones below. {@link #diff} returns what
 * differs, so a discard can say why.
 *
 * <p>Qubes compares a preload with its DVM template, so it ignores {@code template} (the two
 * differ by nature). dispool also compares a DVM template with itself over time, where a changed
 * {@code template} (another TemplateVM) outdates every preload, as Qubes' own
 * {@code property-pre-set:template} handler removes them all: a DVM template's fingerprint keeps
 * {@code template}; a disposable's ({@link #ofDisposable}) drops it.
 */
public record Fingerprint(Map<String, String> properties, long privateVolumeSize) {

    /**
     * Properties that differ between a template and its disposables by nature: Qubes'
     * {@code PRELOAD_OUTDATED_IGNORED_PROPERTIES}, dispool's one copy (everything in dispool asks
     * {@link #isIgnored}); the reference port's own copy is held equal to it by a test.
     */
    public static final Set<String> IGNORED = Set.of("autostart", "backup_timestamp", "default_dispvm", "dispid",
            "gateway", "gateway6", "icon", "include_in_backups", "installed_by_rpm", "ip", "ip6", "klass", "name",
            "qid", "start_time", "stubdom_uuid", "stubdom_xid", "template", "template_for_dispvms", "updateable",
            "uuid", "visible_gateway", "visible_gateway6", "visible_ip", "visible_ip6", "xid");

    /** Unknown state: matches nothing, so no preload is handed out until the template is re-read. */
    static final Fingerprint UNKNOWN = new Fingerprint(Map.of("?", "?"), -1);

    /** The one property of {@link #IGNORED} that a DVM template's own fingerprint keeps. */
    static final String TEMPLATE = "template";

    public Fingerprint {
        properties = new TreeMap<>(properties);
        properties.keySet().removeIf(p -> isIgnored(p));
        properties = Map.copyOf(properties);
    }

    /** A disposable's fingerprint, to compare with its DVM template's: without {@code template}. */
    static Fingerprint ofDisposable(Map<String, String> properties, long privateVolumeSize) {
        Map<String, String> props = new TreeMap<>(properties);
        props.remove(TEMPLATE);
        return new Fingerprint(props, privateVolumeSize);
    }

    /** Whether a change of the DVM template's property leaves its preloads current. */
    public static boolean isIgnored(String property) {
        return IGNORED.contains(property) && !TEMPLATE.equals(property);
    }

    /** The DVM template's TemplateVM, or null when unknown. */
    String templateVm() {
        return properties.get(TEMPLATE);
    }

    /** What differs from {@code other}: "private volume size", then property names, sorted. */
    public List<String> diff(Fingerprint other) {
        List<String> out = new ArrayList<>();
        if (privateVolumeSize != other.privateVolumeSize) {
            out.add("private volume size");
        }
        new TreeMap<>(properties).forEach((k, v) -> {
            String theirs = other.properties.get(k);
            if (theirs != null && !theirs.equals(v)) {
                out.add(k);
            }
        });
        return out;
    }
}
