package dispool.pool;

import dispool.host.PowerState;
import dispool.host.QubeInfo;
import dispool.host.QubesException;
import dispool.host.QubesHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Re-reads the host where events may have been missed (a reconnect, the periodic resync, a
 * global knob): which qubes are DVM templates, and what happened to the ready preloads meanwhile.
 */
final class HostCatchUp {

    private static final System.Logger LOG = System.getLogger(HostCatchUp.class.getName());

    private final QubesHost host;
    private final PreloadIndex index;
    private final PreloadLifecycle lifecycle;
    private final boolean lookForHostPreloads;

    /** {@code lookForHostPreloads}: in managed mode on a Qubes host, note disposables qubesd preloads itself. */
    HostCatchUp(QubesHost host, PreloadIndex index, PreloadLifecycle lifecycle, boolean lookForHostPreloads) {
        this.host = host;
        this.lookForHostPreloads = lookForHostPreloads;
        this.index = index;
        this.lifecycle = lifecycle;
    }

    /** Lists the qubes, catches up on the ready preloads, and makes a pool for every DVM template. */
    void run(String reason, Function<String, Pool> poolFor) {
        try {
            List<Preload> readyBefore = readyPreloads();
            List<QubeInfo> qubes = host.listQubes();
            catchUp(readyBefore, qubes);
            dvmTemplates(qubes).forEach(poolFor::apply);
            if (lookForHostPreloads) {
                findHostPreloads(qubes);
            }
        } catch (QubesException e) {
            LOG.log(System.Logger.Level.WARNING, "could not list qubes (" + reason + "): " + e);
        }
    }

    private List<Preload> readyPreloads() {
        List<Preload> out = new ArrayList<>();
        index.pools().forEach(pool -> pool.preloads.stream().filter(p -> p.state == PreloadState.READY).forEach(out::add));
        return out;
    }

    /**
     * What a missed event would have told, for preloads that were ready (paused) before the
     * listing was taken: one that is gone was removed outside dispool, one that runs was unpaused
     * outside dispool (used). The claim on each preload keeps this from racing a hand-out.
     */
    private void catchUp(List<Preload> readyBefore, List<QubeInfo> qubes) {
        Map<String, QubeInfo> byName = new HashMap<>();
        qubes.forEach(q -> byName.put(q.name(), q));
        for (Preload p : readyBefore) {
            Pool pool = index.pool(p.template);
            QubeInfo q = byName.get(p.name);
            if (pool != null && q == null) {
                lifecycle.discard(pool, p, p.name + " is gone from the host (an event was missed)");
            } else if (pool != null && q.state() == PowerState.Running) {
                lifecycle.usedElsewhere(pool, p);
            }
        }
    }

    /**
     * Disposables that are not dispool's and say {@code is_preload=True} are qubesd's own
     * preloads: their pool is left to qubesd. A qubesd without the property (R4.2) answers
     * {@code QubesNoSuchPropertyError} for the first one, and the search stops.
     */
    private void findHostPreloads(List<QubeInfo> qubes) {
        Map<String, String> found = new HashMap<>();
        for (QubeInfo q : qubes) {
            if (!q.isDispVm() || index.preload(q.name()) != null) {
                continue;
            }
            try {
                if ("True".equals(host.property(q.name(), "is_preload"))) {
                    found.put(host.property(q.name(), "template"), q.name());
                }
            } catch (QubesException e) {
                if (e.is(QubesException.NO_SUCH_PROPERTY)) {
                    return;
                }
                // gone since the listing: nothing to learn from it
            }
        }
        index.pools().forEach(pool -> pool.hostPreload = found.get(pool.template));
    }

    List<String> dvmTemplates(List<QubeInfo> qubes) {
        List<String> out = new ArrayList<>();
        for (QubeInfo q : qubes) {
            if ("AppVM".equals(q.klass()) && isDvmTemplate(q.name())) {
                out.add(q.name());
            }
        }
        return out;
    }

    boolean isDvmTemplate(String qube) {
        try {
            return "True".equals(host.property(qube, "template_for_dispvms"));
        } catch (QubesException e) {
            return false;
        }
    }
}
