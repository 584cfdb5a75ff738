package dispool.api;

import dispool.host.QubeInfo;
import dispool.host.QubesHost;
import dispool.host.QubesException;
import dispool.pool.Marks;
import dispool.pool.PreloadFeatures;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a refused call must leave alone on the simulated host: every pool knob on dom0 and the
 * DVM templates, the global default_dispvm, and every disposable with its power state except the
 * preloads, which the pools start, pause and replace on their own (told by the marks the engine
 * keeps on them on the simulator: in progress, completed, or on the template's preload list).
 */
record HostSnapshot(Map<String, String> knobs, String defaultDispvm, Map<String, String> disposables) {

    private static final List<String> QUBES = List.of(PreloadFeatures.DOM0, "default-dvm", "web-dvm", "whonix-dvm");
    private static final List<String> FEATURES = List.of(PreloadFeatures.MAX, PreloadFeatures.THRESHOLD, PreloadFeatures.DELAY);

    static HostSnapshot of(QubesHost host) {
        Map<String, String> knobs = new TreeMap<>();
        for (String q : QUBES) {
            for (String f : FEATURES) {
                knobs.put(q + " " + f, host.feature(q, f).orElse("(unset)"));
            }
        }
        Map<String, String> disposables = new TreeMap<>();
        for (QubeInfo q : host.listQubes()) {
            if (q.isDispVm() && !isPreload(host, q.name())) {
                disposables.put(q.name(), q.state().name());
            }
        }
        return new HostSnapshot(knobs, host.globalProperty(PreloadFeatures.DEFAULT_DISPVM), disposables);
    }

    private static boolean isPreload(QubesHost host, String name) {
        Marks marks = Marks.qubes();
        try {
            String template = host.property(name, "template");
            return host.feature(name, marks.inProgress()).isPresent() || host.feature(name, marks.completed()).isPresent()
                    || List.of(host.feature(template, marks.list()).orElse("").split(" ")).contains(name);
        } catch (QubesException gone) {
            return true; // removed while we looked: only preloads come and go on their own here
        }
    }
}
