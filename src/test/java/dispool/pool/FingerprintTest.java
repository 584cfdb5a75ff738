package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FingerprintTest {

    @Test
    void ignoresQubesIgnoredPropertiesAndComparesOnlySharedOnes() {
        Fingerprint template = new Fingerprint(Map.of("netvm", "sys-firewall", "memory", "400", "name", "web-dvm"), 2048);
        Fingerprint dispvm = new Fingerprint(Map.of("netvm", "sys-firewall", "memory", "400", "name", "disp7",
                "dispid", "7", "auto_cleanup", "True"), 2048);
        assertEquals(List.of(), template.diff(dispvm));
        assertEquals(template, new Fingerprint(Map.of("netvm", "sys-firewall", "memory", "400", "name", "other"), 2048));
    }

    @Test
    void namesWhatDiffers() {
        Fingerprint a = new Fingerprint(Map.of("netvm", "sys-firewall", "memory", "400"), 2048);
        Fingerprint b = new Fingerprint(Map.of("netvm", "sys-whonix", "memory", "400"), 4096);
        assertEquals(List.of("private volume size", "netvm"), a.diff(b));
    }
}
