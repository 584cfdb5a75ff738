package dispool.pool;

import static dispool.pool.PreloadFeatures.DOM0;

import dispool.host.HostEvent;
import java.util.Set;

/**
 * Turns host events into marks on pools. It never acts on a pool itself (the reconciler does),
 * with two exceptions that must not wait for a reconcile: an unpause dispool did not make means a
 * preload was used, and a vanished preload must not be handed out.
 */
final class HostEventRouter {

    /** Engine actions the router needs. */
    interface Target {
        void markAll(String reason);

        /** The event stream (re)connected: whatever happened meanwhile was missed. */
        void reconnected(String reason);

        void markTemplate(String template, String reason, boolean knobChanged);

        /** A property of a template changed: no hand-out from it until it is re-read. */
        void templateChanged(String template, String property);

        void preloadUnpaused(Preload p);

        void preloadGone(Preload p, String reason);

        /** The DVM template or its TemplateVM shut down (an update ends so): its preloads may be outdated. */
        void volumesMayBeOutdated(Pool pool, String reason);
    }

    private static final Set<String> KNOBS = Set.of(PreloadFeatures.MAX, PreloadFeatures.THRESHOLD, PreloadFeatures.DELAY);

    private final PreloadIndex index;
    private final Target target;

    HostEventRouter(PreloadIndex index, Target target) {
        this.index = index;
        this.target = target;
    }

    void route(HostEvent e) {
        String subject = e.subject();
        if (e.is(HostEvent.CONNECTION_ESTABLISHED)) {
            target.reconnected("event stream (re)connected: re-reading everything");
        } else if (e.is("domain-feature-set") || e.is("domain-feature-delete")) {
            featureChanged(subject, e.suffix());
        } else if (e.is("property-set") || e.is("property-reset") || e.is("property-del")) {
            propertyChanged(subject, e.suffix());
        } else if (e.is("domain-add") || e.is("domain-delete")) {
            qubeAddedOrDeleted(e.kwarg("vm"), e.name());
        } else if (e.is("domain-unpaused")) {
            Preload p = index.preload(subject);
            if (p != null) {
                target.preloadUnpaused(p);
            }
        } else if (e.is("domain-shutdown")) {
            shutdown(subject);
        }
    }

    /**
     * A preload that shuts down is gone; a DVM template's or TemplateVM's shutdown may have
     * changed what its preloads were started from (qubes/vm/templatevm.py
     * {@code on_template_domain_shutdown}, qubes/vm/mix/dvmtemplate.py
     * {@code on_dvmtemplate_domain_shutdown}).
     */
    private void shutdown(String qube) {
        Preload p = index.preload(qube);
        if (p != null) {
            target.preloadGone(p, p.name + " was shut down outside dispool");
            return;
        }
        for (Pool pool : index.pools()) {
            if (qube.equals(pool.template) || qube.equals(pool.settings.templateVm())) {
                target.volumesMayBeOutdated(pool, qube + " shut down: its preloads' volumes may be outdated");
            }
        }
    }

    private void featureChanged(String qube, String feature) {
        if (!KNOBS.contains(feature)) {
            return;
        }
        if (DOM0.equals(qube)) {
            target.markAll("dom0 " + feature + " changed");
        } else {
            target.markTemplate(qube, feature + " changed", true);
        }
    }

    private void propertyChanged(String qube, String property) {
        if (qube.isEmpty()) {
            if (PreloadFeatures.DEFAULT_DISPVM.equals(property)) {
                target.markAll("default_dispvm changed");
            }
            return;
        }
        if ("template_for_dispvms".equals(property)) {
            target.markTemplate(qube, "template_for_dispvms changed", true);
        } else if (index.pool(qube) != null && !Fingerprint.isIgnored(property)) {
            target.templateChanged(qube, property);
        }
    }

    private void qubeAddedOrDeleted(String qube, String event) {
        Preload p = index.preload(qube);
        if (p != null && event.equals("domain-delete")) {
            target.preloadGone(p, p.name + " was removed outside dispool");
        } else if (index.pool(qube) != null || event.equals("domain-add")) {
            target.markTemplate(qube, event, false);
        }
    }
}
