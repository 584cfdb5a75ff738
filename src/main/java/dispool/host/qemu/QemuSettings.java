package dispool.host.qemu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the QEMU host is built from (the service maps {@code dispool.qemu.*} onto it).
 *
 * @param stateDir where the inventory ({@code inventory.json}) and each guest's sockets, pid file,
 *     console log and disk overlay live; a restart of dispool re-attaches to what is there
 * @param qemu the {@code qemu-system-x86_64} binary; {@code qemuImg} makes the overlays
 * @param accelerator {@code auto} (KVM when a short probe boot answers, else TCG), {@code kvm} or {@code tcg}
 * @param memoryBudgetMiB memory the guests may take together; available = min(MemAvailable, budget − running guests)
 * @param killGrace how long a guest may take to quit over QMP before it gets SIGKILL
 * @param callTimeout longest wait for one QMP reply or for QEMU to launch
 */
public record QemuSettings(Path stateDir, String qemu, String qemuImg, String accelerator, OptionalLong memoryBudgetMiB,
        Duration killGrace, Duration callTimeout, List<Template> templates, Map<String, String> dom0Features,
        Optional<String> defaultDispvm) {

    /**
     * A DVM template: its guest (kernel, initramfs, optional disk whose copy-on-write overlay
     * each disposable gets), memory, vCPUs, the TemplateVM name its guest stands for, and the
     * features it starts with (only when it is first added to the inventory).
     */
    public record Template(String name, String templateVm, Path kernel, Path initramfs, Optional<Path> disk,
            long memoryMiB, int vcpus, Map<String, String> features) {
    }
}
