package dispool.host.sim;

import dispool.host.PowerState;
import dispool.host.model.ModelQube;
import java.util.LinkedHashMap;
import java.util.Map;

/** One simulated qube: the model's qube ({@link ModelQube}), with volume sizes and the boot's timing. */
final class SimQube extends ModelQube {

    final Map<String, Long> volumes = new LinkedHashMap<>();
    /** How often each volume's content changed (an update, a private saved at shutdown). */
    final Map<String, Long> revisions = new LinkedHashMap<>();
    /** For a running qube: the revision of each snapshot's source when it was taken at start. */
    final Map<String, Long> snapshots = new LinkedHashMap<>();
    final double bootFactor;
    /** Host time at which the current boot reaches "system running"; MAX_VALUE while not booting. */
    long operationalAtNanos = Long.MAX_VALUE;
    /** A qubes.WaitForRunningSystem call returned 0 during the current boot. */
    boolean operational;
    /** Counts boots, so a late reply of an earlier boot does not touch a later one. */
    int boot;

    SimQube(String name, String klass, PowerState state, double bootFactor) {
        super(name, klass);
        this.state = state;
        this.bootFactor = bootFactor;
    }
}
