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

    private final QubesHost host;
    private final PreloadSupport support;
    private final QubesRules rules;
    /**
     * dispool fills the pools and keeps its list under another name than Qubes'
     * {@code preload-dispvm}: a non-empty one of those is qubesd's own pool.
     */
    private final boolean guardHostPreloads;

    SettingsReader(QubesHost host, EngineSettings settings) {
        this.host = host;
        this.rules = settings.rules();
        this.support = new PreloadSupport(host, rules);
        this.guardHostPreloads = settings.owner() == PreloadOwner.DISPOOL
                && !settings.marks().list().equals(HostPreloads.HOST_LIST);
    }

    /**
     * Reads the pool's settings and stores them in it: the one place a pool's settings are
     * written. Returns what the pool holds then (a read that started later may have won).
     */
    PoolSettings refresh(Pool pool) {
        long started = host.clock().nanos();
        PoolSettings s = read(pool.template);
        String hostPreload = pool.hostPreload;
        if (guardHostPreloads && hostPreload != null && s.max() > 0) {
            s = s.leftToHost(pool.template + ": qubesd preloads it itself (" + hostPreload + " has is_preload=True): "
                    + "dispool leaves it to qubesd, max counted as 0; set dispool.qubes.mode=native");
        }
        pool.offerSettings(s, started);
        return pool.settings;
    }

    /** Whether dispool must look for qubesd's own preloads (see {@link #guardHostPreloads}). */
    boolean guardsHostPreloads() {
        return guardHostPreloads;
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
        String warning = maxWarning(governed ? DOM0 : template, rawMax, max);
        Optional<String> missing = max > 0 ? support.missingFeature(template) : Optional.empty();
        if (missing.isPresent()) {
            // qubesd's refill refuses such a template too ("check if template is outdated").
            warning = PreloadSupport.explain(template, missing.get()) + "; max counted as 0";
            max = 0;
        }
        Optional<String> hostPreloads = max > 0 ? hostPreloads(template) : Optional.empty();
        if (hostPreloads.isPresent()) {
            warning = template + ": qubesd preloads it itself (its " + HostPreloads.HOST_LIST + " lists "
                    + hostPreloads.get() + "): dispool leaves it to qubesd, max counted as 0; set dispool.qubes.mode=native";
            max = 0;
        }
        return new PoolSettings(true, max, source, warning, threshold,
                delay(template), longProp(props, "memory", 400), Duration.ofSeconds(longProp(props, "qrexec_timeout", 60)),
                rules.waitsForSession(host, template, props), new Fingerprint(props, host.volume(template, "private").size()));
    }

    /**
     * qubesd's own preloads of the template, when dispool keeps its list under another name
     * (managed mode on a Qubes host): a non-empty {@code preload-dispvm} means qubesd preloads
     * natively, and two pools on one template would take twice the memory.
     */
    private Optional<String> hostPreloads(String template) {
        if (!guardHostPreloads) {
            return Optional.empty();
        }
        return host.feature(template, HostPreloads.HOST_LIST).map(String::trim).filter(v -> !v.isEmpty());
    }

    private double delay(String template) {
        return PreloadFeatures.hostDelay(host.feature(template, PreloadFeatures.DELAY))
                .or(() -> PreloadFeatures.hostDelay(host.feature(DOM0, PreloadFeatures.DELAY)))
                .orElse(PreloadFeatures.DEFAULT_DELAY_SECONDS);
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
