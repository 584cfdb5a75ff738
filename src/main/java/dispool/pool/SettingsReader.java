package dispool.pool;

import static dispool.pool.PreloadFeatures.DOM0;

import dispool.host.QubesException;
import dispool.host.QubesHost;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a pool's effective settings from the host, with Qubes R4.3's rules
 * (qubes/vm/mix/dvmtemplate.py, {@code get_feat_preload_max}; keep in sync): the dom0 max, when
 * dom0 has the feature at all, governs the global {@code default_dispvm} and overrides its local
 * value; an empty value counts as 0.
 */
final class SettingsReader {

    static final String LATE_GUI = "supported-feature.late-gui-daemon";

    private final QubesHost host;

    SettingsReader(QubesHost host) {
        this.host = host;
    }

    PoolSettings read(String template) {
        long threshold = PreloadFeatures.hostThreshold(host.feature(DOM0, PreloadFeatures.THRESHOLD));
        Map<String, String> props;
        try {
            props = host.properties(template);
        } catch (QubesException e) {
            if (e.is(QubesException.VM_NOT_FOUND)) {
                return PoolSettings.none(threshold);
            }
            throw e;
        }
        if (!"True".equals(props.get("template_for_dispvms"))) {
            return PoolSettings.none(threshold);
        }
        Optional<String> globalMax = host.feature(DOM0, PreloadFeatures.MAX);
        boolean governed = template.equals(host.globalProperty(PreloadFeatures.DEFAULT_DISPVM)) && globalMax.isPresent();
        Optional<String> rawMax = governed ? globalMax : host.feature(template, PreloadFeatures.MAX);
        PoolSettings.MaxSource source = governed ? PoolSettings.MaxSource.GLOBAL
                : rawMax.isPresent() ? PoolSettings.MaxSource.LOCAL : PoolSettings.MaxSource.UNSET;
        int max = PreloadFeatures.hostMax(rawMax);
        return new PoolSettings(true, max, source, maxWarning(governed ? DOM0 : template, rawMax, max), threshold,
                delay(template), longProp(props, "memory", 400), Duration.ofSeconds(longProp(props, "qrexec_timeout", 60)),
                waitsForSession(template, props), new Fingerprint(props, host.volume(template, "private").size()));
    }

    private double delay(String template) {
        return PreloadFeatures.hostDelay(host.feature(template, PreloadFeatures.DELAY))
                .or(() -> PreloadFeatures.hostDelay(host.feature(DOM0, PreloadFeatures.DELAY)))
                .orElse(PreloadFeatures.DEFAULT_DELAY_SECONDS);
    }

    /** Qubes (main) also waits for the GUI session when the template starts its GUI daemon late. */
    private boolean waitsForSession(String template, Map<String, String> props) {
        return !props.getOrDefault("guivm", "").isEmpty()
                && !host.feature(template, LATE_GUI).orElse("").isEmpty();
    }

    private static String maxWarning(String qube, Optional<String> raw, int max) {
        if (!PreloadFeatures.isValidHostMax(raw)) {
            return qube + ": " + PreloadFeatures.MAX + " '" + raw.orElse("") + "' is not a number; counted as 0";
        }
        if (raw.isPresent() && !raw.get().trim().isEmpty() && max == PreloadFeatures.MAX_LIMIT
                && !raw.get().trim().equals(String.valueOf(max))) {
            return qube + ": " + PreloadFeatures.MAX + " '" + raw.get() + "' is above dispool's limit; counted as "
                    + PreloadFeatures.MAX_LIMIT;
        }
        return null;
    }

    private static long longProp(Map<String, String> props, String name, long fallback) {
        try {
            return Long.parseLong(props.getOrDefault(name, "").trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
