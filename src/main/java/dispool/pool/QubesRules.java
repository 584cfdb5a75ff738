package dispool.pool;

import dispool.host.QubesHost;
import java.util.List;
import java.util.Map;

/**
 * The qubesd whose preload rules dispool follows where a DVM template's ability to preload and a
 * preload's readiness are decided (qubes-core-admin qubes/vm/mix/dvmtemplate.py
 * {@code supports_preload}, qubes/vm/dispvm.py {@code on_domain_started_dispvm}). qubesd tells no
 * version through the Admin API, so the rule set is a setting ({@code dispool.qubes.rules}),
 * {@link #R43} unless set.
 */
public enum QubesRules {
    /** {@code release4.3} as released: a preload waits for {@code qubes.WaitForRunningSystem} only. */
    R43,
    /**
     * {@code main} (83769864): also {@code supported-rpc.qubes.WaitForSession} to preload at all,
     * and a wait for {@code qubes.WaitForSession} when the template has a {@code guivm} and both
     * {@code gui} and {@code supported-feature.late-gui-daemon} are set on it or up its template chain.
     */
    MAIN;

    static final String GUI = "gui";
    static final String LATE_GUI = "supported-feature.late-gui-daemon";

    /** The features a DVM template (or its template chain) must have to preload, in the order they are reported missing. */
    List<String> preloadFeatures() {
        List<String> r43 = List.of(PreloadSupport.QREXEC, PreloadSupport.READINESS_RPC);
        return this == R43 ? r43 : List.of(PreloadSupport.QREXEC, PreloadSupport.READINESS_RPC, PreloadSupport.SESSION_RPC);
    }

    /** Whether preloads of {@code template} (with properties {@code props}) also wait for the GUI session. */
    boolean waitsForSession(QubesHost host, String template, Map<String, String> props) {
        return this == MAIN && !props.getOrDefault("guivm", "").isEmpty()
                && isSet(host, template, GUI) && isSet(host, template, LATE_GUI);
    }

    private static boolean isSet(QubesHost host, String qube, String feature) {
        return host.featureWithTemplate(qube, feature).filter(v -> !v.isEmpty()).isPresent();
    }
}
