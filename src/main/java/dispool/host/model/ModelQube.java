package dispool.host.model;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnore;
import dispool.host.PowerState;
import dispool.host.QubeInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One qube of a host model: name, class, properties and features as strings (as the Admin API
 * shows them), and its power state. The simulator adds latency state and volumes
 * ({@code SimQube}), the QEMU host its process and what it persists ({@code QemuQube}); the
 * public fields are what the QEMU host's inventory file holds. The power state is never
 * persisted: the QEMU host reads it from the QEMU process.
 */
@JsonAutoDetect(getterVisibility = JsonAutoDetect.Visibility.NONE, isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class ModelQube {

    public String name;
    public String klass;
    public Map<String, String> properties = new LinkedHashMap<>();
    public Map<String, String> features = new LinkedHashMap<>();
    @JsonIgnore
    public PowerState state = PowerState.Halted;

    /** For the QEMU host's inventory file (Jackson). */
    protected ModelQube() {
    }

    protected ModelQube(String name, String klass) {
        this.name = name;
        this.klass = klass;
    }

    /**
     * The properties every qube of a model has that the engine reads or compares (a preload is
     * outdated when one differs from its template's): its own memory, vCPUs and netvm, Qubes'
     * defaults for the rest.
     */
    public void commonProperties(long memoryMiB, int vcpus, String netvm) {
        properties.put("name", name);
        properties.put("memory", Long.toString(memoryMiB));
        properties.put("vcpus", Integer.toString(vcpus));
        properties.put("qrexec_timeout", "60");
        properties.put("label", "red");
        properties.put("netvm", netvm);
        properties.put("guivm", "");
        properties.put("backup_timestamp", "");
    }

    public QubeInfo info() {
        return new QubeInfo(name, klass, state);
    }

    public boolean isDispVm() {
        return "DispVM".equals(klass);
    }

    public boolean isDvmTemplate() {
        return "True".equals(properties.get("template_for_dispvms"));
    }

    public boolean isAutoCleanup() {
        return isDispVm() && "True".equals(properties.get("auto_cleanup"));
    }

    /** The {@code memory} property, MiB; 0 when unset or not a number. */
    public long memoryMiB() {
        return memoryMiB(properties);
    }

    public static long memoryMiB(Map<String, String> properties) {
        try {
            return Long.parseLong(properties.getOrDefault("memory", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
