package dispool.pool;

import dispool.host.PowerState;
import dispool.host.QubeInfo;
import dispool.host.QubesException;
import dispool.host.QubesHost;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Restart reconciliation, after qubesd's {@code on_domain_loaded} (qubes/vm/mix/dvmtemplate.py;
 * keep in sync): rebuilds a pool from the marks on the host before it is filled again.
 * <ul>
 * <li>a listed name whose qube is gone: dropped from the list;</li>
 * <li>a disposable of the template marked in progress (listed or not): its start was interrupted,
 *     so it is killed and removed;</li>
 * <li>listed, completed and paused: kept as ready, unless the template changed meanwhile;</li>
 * <li>listed, completed and running: it was unpaused (handed out) just before the crash, so it is
 *     no longer ours: dropped from the list and unmarked, never handed out again;</li>
 * <li>listed but neither in progress nor completed: removed.</li>
 * </ul>
 * Recovery only runs once the host answered the listing: nothing destructive happens while the
 * host cannot be seen.
 */
final class Recovery {

    private static final System.Logger LOG = System.getLogger(Recovery.class.getName());

    private final QubesHost host;
    private final Marks marks;
    private final PreloadLifecycle lifecycle;
    private final PreloadIndex index;
    private final PoolEvents events;

    Recovery(QubesHost host, Marks marks, PreloadLifecycle lifecycle, PreloadIndex index, PoolEvents events) {
        this.host = host;
        this.marks = marks;
        this.lifecycle = lifecycle;
        this.index = index;
        this.events = events;
    }

    /** Rebuilds {@code pool} from the host; {@code qubes} is one listing taken for all pools. */
    void recover(Pool pool, List<QubeInfo> qubes, Fingerprint templateNow) {
        Map<String, QubeInfo> byName = new java.util.HashMap<>();
        qubes.forEach(q -> byName.put(q.name(), q));
        Set<String> listed = new LinkedHashSet<>(Arrays.asList(
                host.feature(pool.template, marks.list()).orElse("").trim().split("\\s+")));
        listed.remove("");
        pool.knownFingerprint = templateNow;
        for (String name : listed) { // list order is hand-out order: keep it
            QubeInfo q = byName.get(name);
            if (q != null && q.isDispVm() && pool.template.equals(templateOf(name))) {
                recoverOne(pool, q, true, templateNow);
            }
        }
        for (QubeInfo q : qubes) {
            if (q.isDispVm() && !listed.contains(q.name()) && pool.template.equals(templateOf(q.name()))) {
                recoverOne(pool, q, false, templateNow);
            }
        }
        if (host.feature(pool.template, Creations.FEATURE).isPresent()) {
            removeUnmarkedCreations(pool, qubes, listed);
        }
        List<String> gone = new ArrayList<>(listed);
        gone.removeIf(byName::containsKey);
        if (!gone.isEmpty()) {
            log(pool, "dropped from the list, no longer on the host: " + String.join(" ", gone));
        }
        lifecycle.writeList(pool);
    }

    private void recoverOne(Pool pool, QubeInfo q, boolean listed, Fingerprint templateNow) {
        String name = q.name();
        boolean inProgress = !host.feature(name, marks.inProgress()).orElse("").isEmpty();
        boolean completed = !host.feature(name, marks.completed()).orElse("").isEmpty();
        if (inProgress) {
            remove(pool, name, "interrupted preload or cold start (still marked in progress)");
        } else if (!listed) {
            return;
        } else if (completed && q.state() == PowerState.Paused) {
            adopt(pool, name, templateNow);
        } else if (completed && q.state() == PowerState.Running) {
            log(pool, name + " was unpaused before the restart: counted as handed out, no longer ours");
            if (host.feature(name, Ownership.FEATURE).isEmpty()) { // its caller may still remove it through dispool
                host.setFeature(name, Ownership.FEATURE, Ownership.now());
            }
            host.removeFeature(name, marks.internal());
        } else {
            remove(pool, name, "listed but not a completed, paused preload (state " + q.state() + ")");
        }
    }

    /**
     * dispool died while creating a disposable of the template (its {@link Creations#FEATURE} is
     * still set): a Halted auto-cleanup disposable of it, unlisted and without any mark of
     * dispool's, is that creation, which never got its marks. Removed, then the template's mark.
     */
    private void removeUnmarkedCreations(Pool pool, List<QubeInfo> qubes, Set<String> listed) {
        for (QubeInfo q : qubes) {
            String name = q.name();
            if (q.isDispVm() && q.state() == PowerState.Halted && !listed.contains(name)
                    && pool.template.equals(templateOf(name)) && isAutoCleanup(name)
                    && host.feature(name, marks.inProgress()).isEmpty() && host.feature(name, Ownership.FEATURE).isEmpty()) {
                remove(pool, name, "created just before the restart, never marked");
            }
        }
        host.removeFeature(pool.template, Creations.FEATURE);
    }

    private boolean isAutoCleanup(String name) {
        try {
            return "True".equals(host.property(name, "auto_cleanup"));
        } catch (QubesException e) {
            return false;
        }
    }

    private void adopt(Pool pool, String name, Fingerprint templateNow) {
        Preload p = Preload.adopted(pool.template, name, pool.generation, host.clock().nanos());
        pool.preloads.add(p);
        index.put(p);
        List<String> diff = templateNow.diff(new Fingerprint(host.properties(name), host.volume(name, "private").size()));
        if (diff.isEmpty()) {
            log(pool, name + " kept: completed and paused");
        } else {
            lifecycle.discard(pool, p, "outdated since before the restart (" + String.join(", ", diff) + ")");
        }
    }

    private void remove(Pool pool, String name, String reason) {
        log(pool, "removing " + name + ": " + reason);
        try {
            lifecycle.killAndRemove(name);
            events.publish(new PoolEvent(PoolEvent.Type.QUBE_REMOVED, pool.template, name, "restart recovery: " + reason,
                    host.clock().millis(), Map.of()));
        } catch (QubesException e) {
            LOG.log(System.Logger.Level.WARNING, pool.template + ": could not remove " + name + " during recovery: " + e
                    + "; the next restart tries again");
        }
    }

    private String templateOf(String dispvm) {
        try {
            return host.property(dispvm, "template");
        } catch (QubesException e) {
            return null;
        }
    }

    private static void log(Pool pool, String message) {
        LOG.log(System.Logger.Level.INFO, pool.template + ": restart recovery: " + message);
    }
}
