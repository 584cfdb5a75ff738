package dispool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the QEMU bench says of the guest its figures ran on. */
class QemuTargetTest {

    @TempDir
    Path dir;

    @Test
    void theGuestIsNamedByItsKernelPackageVersionAndAgentAsBuildGuestRecordedThem() throws Exception {
        Files.writeString(dir.resolve("guest.properties"),
                "kernel-package=linux-image-6.1.0-50-cloud-amd64\nkernel-version=6.1.176-1\nagent=4166ab84b968f128\n");
        assertEquals("linux-image-6.1.0-50-cloud-amd64 6.1.176-1 (agent 4166ab84b968f128)", QemuTarget.guest(dir));
    }

    @Test
    void aGuestBuiltBeforeTheVersionWasRecordedOrElsewhereSaysWhatIsKnown() throws Exception {
        assertEquals("Debian cloud kernel", QemuTarget.guest(dir));
        Files.writeString(dir.resolve("guest.properties"), "kernel-package=linux-image-6.1.0-50-cloud-amd64\nagent=92d5\n");
        assertEquals("linux-image-6.1.0-50-cloud-amd64 (agent 92d5)", QemuTarget.guest(dir));
    }
}
