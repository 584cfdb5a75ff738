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
import java.util.Optional;
import java.util.Set;

/**
 * Restart reconciliation, after qubesd's {@code on_domain_loaded} (qubes/vm/mix/dvmtemplate.py;
 * keep in sync): rebuilds a pool from the marks on the host before it is filled again.
 * <ul>
 * <li>a listed name whose qube is gone: dropped from the list;</li>
 * <li>a disposable of the template marked in progress (listed or not): its start was interrupted,
 *     so it is killed and removed;</li>
 * <li>listed, completed and paused: kept as ready, unless the template changed meanwhile or a
 *     volume is outdated (its TemplateVM or DVM template was updated since it started);</li>
 * <li>listed, completed and running: it was unpaused (handed out) just before the crash, so it is
 *     no longer ours: dropped from the list and unmarked, never handed out again;</li>
 * <li>listed but neither in progress nor completed: removed.</li>
 * </ul>
 * Recovery only runs once the host answered the listing: nothing destructive happens while the
 * host cannot be seen. It removes only qubes that carry dispool's marks: never a template-wide
 * guess, so a disposable someone else made from the same template (say {@code qvm-run --dispvm},
 * Halted between its create and its start) is never touched ({@code ForeignDisposablesTest}).
 * Before that, what an older dispool kept on the template under names qubesd copies into every
 * disposable is moved to today's names ({@link Marks}).
 */
final class Recovery {

    private static final System.Logger LOG = System.getLogger(Recovery.class.getName());
    /** Set on a template while an older dispool created disposables of it; removed, never read. */
    private static final String LEGACY_CREATION_MARK = "x-dispool-creating";

    private final QubesHost host;
    private final Marks marks;
    private final PreloadLifecycle lifecycle;
    private final PreloadIndex index;
    private final PoolEvents events;
    private final OutdatedVolumes volumes;

    Recovery(QubesHost host, Marks marks, PreloadLifecycle lifecycle, PreloadIndex index, PoolEvents events,
            OutdatedVolumes volumes) {
        this.volumes = volumes;
        this.host = host;
        this.marks = marks;
        this.lifecycle = lifecycle;
        this.index = index;
        this.events = events;
    }

    /**
     * Before the listing and the first creation of a start: removes the disposables a crash left
     * between their creation and their marks, which the host adapter's creation journal names
     * ({@link QubesHost#unfinishedCreations}, read once here). A name is recorded only just before
     * dispool creates that qube, so such a disposable is provably dispool's. A name is forgotten
     * once its qube is gone or is no disposable; one the host could not remove stays for the next
     * start. Each host call stands alone: nothing creates yet, so nothing is locked.
     */
    void removeUnfinishedCreations() {
        for (String name : host.unfinishedCreations()) {
            try {
                if (host.qube(name).isDispVm()) {
                    lifecycle.killAndRemove(name);
                    LOG.log(System.Logger.Level.INFO, "restart recovery: removed " + name + ": dispool created it just "
                            + "before a restart, before it carried any mark (dispool's creation journal names it)");
                }
                host.creationDealtWith(name);
            } catch (QubesException e) {
                if (e.is(QubesException.VM_NOT_FOUND)) {
                    host.creationDealtWith(name); // never created, or removed since
                } else {
                    LOG.log(System.Logger.Level.WARNING, "restart recovery: could not remove " + name + ", which "
                            + "dispool's creation journal names: " + e + "; the next start tries again");
                }
            }
        }
    }

    /** Rebuilds {@code pool} from the host; {@code qubes} is one listing taken for all pools. */
    void recover(Pool pool, List<QubeInfo> qubes, Fingerprint templateNow) {
        Map<String, QubeInfo> byName = new java.util.HashMap<>();
        qubes.forEach(q -> byName.put(q.name(), q));
        Set<String> listed = names(host.feature(pool.template, marks.list()));
        migrateLegacyFeatures(pool, listed);
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
            lifecycle.dropInternal(pool, name);
        } else {
            remove(pool, name, "listed but not a completed, paused preload (state " + q.state() + ")");
        }
    }

    private static Set<String> names(Optional<String> list) {
        Set<String> names = new LinkedHashSet<>(Arrays.asList(list.orElse("").trim().split("\\s+")));
        names.remove("");
        return names;
    }

    /**
     * Up to 2026-12 dispool kept its list ({@code x-dispool-preload-dispvm}), the template's policy
     * ({@code x-dispool-policy}) and a creation mark ({@code x-dispool-creating}) under names that
     * qubesd copies into every disposable of the template, and qvm-clone and backups copy too:
     * moved to today's names, or removed.
     */
    private void migrateLegacyFeatures(Pool pool, Set<String> listed) {
        String legacyList = marks.legacyList();
        if (!legacyList.equals(marks.list())) {
            host.feature(pool.template, legacyList).ifPresent(old -> {
                listed.addAll(names(Optional.of(old)));
                host.removeFeature(pool.template, legacyList);
                log(pool, "moved " + legacyList + " to " + marks.list());
            });
        }
        host.feature(pool.template, RefillPolicies.LEGACY_FEATURE).ifPresent(policy -> {
            if (host.feature(pool.template, RefillPolicies.FEATURE).isEmpty()) {
                host.setFeature(pool.template, RefillPolicies.FEATURE, policy);
            }
            host.removeFeature(pool.template, RefillPolicies.LEGACY_FEATURE);
            log(pool, "moved " + RefillPolicies.LEGACY_FEATURE + " to " + RefillPolicies.FEATURE);
        });
        if (host.feature(pool.template, LEGACY_CREATION_MARK).isPresent()) {
            host.removeFeature(pool.template, LEGACY_CREATION_MARK);
        }
    }

    private void adopt(Pool pool, String name, Fingerprint templateNow) {
        Preload p = Preload.adopted(pool.template, name, pool.generation, host.clock().nanos());
        pool.preloads.add(p);
        index.put(p);
        List<String> diff = new ArrayList<>(templateNow.diff(
                Fingerprint.ofDisposable(host.properties(name), host.volume(name, "private").size())));
        volumes.of(name).forEach(v -> diff.add("outdated volume " + v));
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
