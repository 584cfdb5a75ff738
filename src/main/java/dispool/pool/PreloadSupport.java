package dispool.pool;

import dispool.host.QubesHost;
import java.util.Optional;

/**
 * Whether a DVM template can preload at all, after Qubes' {@code supports_preload} and
 * {@code on_feature_pre_set_preload_dispvm_max} (qubes/vm/mix/dvmtemplate.py; keep in sync): its
 * qubes must run qrexec and the readiness RPCs of the {@link QubesRules} followed, told by
 * features on the template or up its template chain ({@code features.check_with_template}, one
 * host call where the host has one). Without them every preload would fail at its readiness call.
 */
final class PreloadSupport {

    static final String QREXEC = "qrexec";
    static final String READINESS_RPC = "supported-rpc." + PreloadLifecycle.WAIT_RUNNING;
    static final String SESSION_RPC = "supported-rpc." + PreloadLifecycle.WAIT_SESSION;

    private final QubesHost host;
    private final QubesRules rules;

    PreloadSupport(QubesHost host, QubesRules rules) {
        this.host = host;
        this.rules = rules;
    }

    /** The first feature the template lacks ({@code qrexec}, then the RPCs); empty when it can preload. */
    Optional<String> missingFeature(String dvmTemplate) {
        for (String feature : rules.preloadFeatures()) {
            if (!checkWithTemplate(dvmTemplate, feature)) {
                return Optional.of(feature);
            }
        }
        return Optional.empty();
    }

    /** What to tell the user, naming the template, the feature and what sets it. */
    static String explain(String dvmTemplate, String feature) {
        return dvmTemplate + " cannot preload: neither it nor its template has the feature " + feature
                + " (qubesd refuses preload-dispvm-max without it); install or update the qubes agent packages in "
                + "its TemplateVM and start it once, which sets the feature";
    }

    private boolean checkWithTemplate(String qube, String feature) {
        return host.featureWithTemplate(qube, feature).filter(v -> !v.isEmpty()).isPresent();
    }
}
