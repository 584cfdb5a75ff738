package dispool.host.qemu;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dispool.host.PowerState;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One qube of the QEMU host as persisted in the state directory (Jackson fields): class,
 * properties and features as strings, and for a disposable what its volumes were snapshotted
 * from. The power state is never persisted: it is read from the QEMU process at every start.
 */
final class QemuQube {

    public String name;
    public String klass;
    public Map<String, String> properties = new LinkedHashMap<>();
    public Map<String, String> features = new LinkedHashMap<>();
    /** A disposable was launched once: with no QEMU process left, it is gone (auto cleanup). */
    public boolean launched;
    /** Modification time (ms) of the guest's kernel and initramfs when this disposable started. */
    public long rootSnapshot;
    /** Modification time (ms) of the DVM template's disk when this disposable started; 0 without a disk. */
    public long privateSnapshot;

    @JsonIgnore
    PowerState state = PowerState.Halted;
    /** Counts boots, so a late event of an earlier boot does not touch a later one. */
    @JsonIgnore
    int boot;
    @JsonIgnore
    QemuVm vm;

    QemuQube() {
    }

    QemuQube(String name, String klass) {
        this.name = name;
        this.klass = klass;
        properties.put("name", name);
    }

    boolean isDispVm() {
        return "DispVM".equals(klass);
    }

    boolean isDvmTemplate() {
        return "True".equals(properties.get("template_for_dispvms"));
    }

    long memoryMiB() {
        return memoryMiB(properties);
    }

    static long memoryMiB(Map<String, String> properties) {
        try {
            return Long.parseLong(properties.getOrDefault("memory", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
