package dispool.host.sim;

import dispool.host.PowerState;
import java.util.LinkedHashMap;
import java.util.Map;

/** One simulated qube: class, properties and features as strings, power state, volume sizes. */
final class SimQube {

    final String name;
    final String klass;
    final Map<String, String> properties = new LinkedHashMap<>();
    final Map<String, String> features = new LinkedHashMap<>();
    final Map<String, Long> volumes = new LinkedHashMap<>();
    /** How often each volume's content changed (an update, a private saved at shutdown). */
    final Map<String, Long> revisions = new LinkedHashMap<>();
    /** For a running qube: the revision of each snapshot's source when it was taken at start. */
    final Map<String, Long> snapshots = new LinkedHashMap<>();
    final double bootFactor;
    PowerState state;
    /** Host time at which the current boot reaches "system running"; MAX_VALUE while not booting. */
    long operationalAtNanos = Long.MAX_VALUE;
    /** A qubes.WaitForRunningSystem call returned 0 during the current boot. */
    boolean operational;
    /** Counts boots, so a late reply of an earlier boot does not touch a later one. */
    int boot;

    SimQube(String name, String klass, PowerState state, double bootFactor) {
        this.name = name;
        this.klass = klass;
        this.state = state;
        this.bootFactor = bootFactor;
    }

    long memoryMiB() {
        try {
            return Long.parseLong(properties.getOrDefault("memory", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    boolean isDispVm() {
        return "DispVM".equals(klass);
    }

    boolean isAutoCleanup() {
        return isDispVm() && "True".equals(properties.get("auto_cleanup"));
    }
}
