package dispool.host.sim;

import dispool.host.QubesException;
import dispool.host.VolumeInfo;

/**
 * The simulated host's volumes and their snapshots: a disposable's and an AppVM's volumes are
 * snapshots of their templates' taken at start ({@code snap_on_start}), outdated once the source
 * changes (an update, a private saved at shutdown). Callers hold {@link SimCore#lock}.
 */
final class SimVolumes {

    private final SimCore core;

    SimVolumes(SimCore core) {
        this.core = core;
    }

    /** {@code admin.vm.volume.Info}: size, and whether the snapshot taken at start is outdated. Under the lock. */
    VolumeInfo volumeLocked(String qube, String volume) {
        {
            SimQube q = core.require(qube);
            Long size = q.volumes.get(volume);
            if (size == null) {
                throw new QubesException(QubesException.GENERIC, "No such volume '" + volume + "' of " + qube);
            }
            Long taken = q.snapshots.get(volume);
            SimQube source = snapshotSourceLocked(q, volume);
            return new VolumeInfo(size, taken != null && source != null && revisionLocked(source, volume) != taken);
        }
    }

    /**
     * Whose volume a qube's volume is a snapshot of at start ({@code snap_on_start}), or null: a
     * disposable's root is its TemplateVM's root and its private is the DVM template's private;
     * an AppVM's root is its TemplateVM's root.
     */
    SimQube snapshotSourceLocked(SimQube q, String volume) {
        SimQube template = core.qubes.get(q.properties.getOrDefault("template", ""));
        if (template == null) {
            return null;
        }
        if (q.isDispVm() && volume.equals("private")) {
            return template;
        }
        return volume.equals("root") ? snapshotSourceOrSelfLocked(template, volume) : null;
    }

    SimQube snapshotSourceOrSelfLocked(SimQube q, String volume) {
        SimQube source = snapshotSourceLocked(q, volume);
        return source == null ? q : source;
    }

    static long revisionLocked(SimQube q, String volume) {
        return q.revisions.getOrDefault(volume, 0L);
    }

    /** Takes the start-time snapshots: from now on a change of their source makes them outdated. */
    void snapshotLocked(SimQube q) {
        q.snapshots.clear();
        for (String volume : q.volumes.keySet()) {
            SimQube source = snapshotSourceLocked(q, volume);
            if (source != null) {
                q.snapshots.put(volume, revisionLocked(source, volume));
            }
        }
    }

}
