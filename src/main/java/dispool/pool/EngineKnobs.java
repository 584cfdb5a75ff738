package dispool.pool;

import dispool.host.QubesHost;
import java.util.Optional;

/**
 * The knobs: per template ({@code preload-dispvm-max}, the refill policy) and global (dom0's
 * features, {@code default_dispvm}). They live on the host as Qubes features
 * ({@link PreloadFeatures}); every value is validated before anything is written, and the pool
 * reacts at once, as it does to the feature event a {@code qvm-features} call fires.
 */
final class EngineKnobs {

    private final QubesHost host;
    private final PreloadIndex index;
    private final DvmTemplates templates;
    private final SettingsReader reader;
    private final PreloadSupport support;
    private final RefillPolicies refill;
    private final EngineRunners runners;

    EngineKnobs(QubesHost host, PreloadIndex index, DvmTemplates templates, SettingsReader reader,
            PreloadSupport support, RefillPolicies refill, EngineRunners runners) {
        this.host = host;
        this.index = index;
        this.templates = templates;
        this.reader = reader;
        this.support = support;
        this.refill = refill;
        this.runners = runners;
    }

    void setMax(String template, String value) {
        int max = PreloadFeatures.validateMax(template, value);
        templates.requireDvmTemplate(template);
        // Any value, 0 included: qubesd's pre-set handler refuses them all (unsetting is always allowed).
        support.missingFeature(template).ifPresent(feature -> {
            throw new DispoolException(DispoolException.Kind.CONFLICT, PreloadSupport.explain(template, feature),
                    "max", value, "the template has " + feature);
        });
        host.setFeature(template, PreloadFeatures.MAX, Integer.toString(max));
        refreshSettings(template);
        runners.knobChanged(template, "preload-dispvm-max set to " + max);
    }

    void unsetMax(String template) {
        templates.requireDvmTemplate(template);
        host.removeFeature(template, PreloadFeatures.MAX);
        refreshSettings(template);
        runners.knobChanged(template, "preload-dispvm-max unset");
    }

    void setDefaultPolicy(String policy) {
        refill.setDefault(policy);
        index.pools().forEach(p -> runners.knobChanged(p.template, "default refill policy set to " + policy.trim()));
    }

    void setPolicy(String template, String policy) {
        String v = RefillPolicies.validate("policy", policy);
        templates.requireDvmTemplate(template);
        host.setFeature(template, RefillPolicies.FEATURE, v);
        runners.knobChanged(template, RefillPolicies.FEATURE + " set to " + v);
    }

    void unsetPolicy(String template) {
        templates.requireDvmTemplate(template);
        host.removeFeature(template, RefillPolicies.FEATURE);
        runners.knobChanged(template, RefillPolicies.FEATURE + " unset");
    }

    GlobalSettings globalSettings() {
        Optional<String> max = host.feature(PreloadFeatures.DOM0, PreloadFeatures.MAX);
        String dflt = host.globalProperty(PreloadFeatures.DEFAULT_DISPVM);
        return new GlobalSettings(max.map(v -> PreloadFeatures.hostMax(max)).orElse(null),
                PreloadFeatures.hostThreshold(host.feature(PreloadFeatures.DOM0, PreloadFeatures.THRESHOLD)),
                PreloadFeatures.hostDelay(host.feature(PreloadFeatures.DOM0, PreloadFeatures.DELAY))
                        .orElse(PreloadFeatures.DEFAULT_DELAY_SECONDS),
                dflt.isEmpty() ? null : dflt,
                host.availableMemory().isPresent() ? host.availableMemory().getAsLong() / MemoryGate.MIB : null,
                host.availableMemorySource());
    }

    void updateGlobalSettings(String globalMax, boolean unsetGlobalMax, String threshold, String delay,
            String defaultDispvm) {
        Integer max = globalMax == null ? null : PreloadFeatures.validateMax(PreloadFeatures.DOM0, globalMax);
        Long thr = threshold == null ? null : PreloadFeatures.validateThreshold(threshold);
        Double del = delay == null ? null : PreloadFeatures.validateDelay(PreloadFeatures.DOM0, delay);
        if (defaultDispvm != null) {
            templates.requireDvmTemplate(PreloadFeatures.validateQubeName("defaultDispvm", defaultDispvm));
        }
        SettingsWrites writes = new SettingsWrites(host);
        if (unsetGlobalMax || max != null) {
            writes.feature(PreloadFeatures.DOM0, PreloadFeatures.MAX, unsetGlobalMax ? null : max.toString());
        }
        if (thr != null) {
            writes.feature(PreloadFeatures.DOM0, PreloadFeatures.THRESHOLD, thr.toString());
        }
        if (del != null) {
            writes.feature(PreloadFeatures.DOM0, PreloadFeatures.DELAY, delay.trim());
        }
        if (defaultDispvm != null) {
            writes.globalProperty(PreloadFeatures.DEFAULT_DISPVM, defaultDispvm);
        }
        writes.apply(); // all or nothing: a refusal sets back what was written before it
        index.pools().forEach(p -> {
            refreshSettings(p.template);
            runners.knobChanged(p.template, "global settings changed");
        });
    }

    /** Re-reads a pool's settings at once, so the answer to a knob change already shows it. */
    private void refreshSettings(String template) {
        reader.refresh(templates.poolFor(template));
    }
}
