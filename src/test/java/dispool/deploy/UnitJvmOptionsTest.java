package dispool.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JVM options of the dom0 unit and the management qube's unit are the same, bound the heap and
 * name one collector, and stand alone on the first ExecStart line: the REST bench
 * (docs/benchmarks/2026-12-06-rest-tail/run.sh) reads them from there, so that what is measured is
 * what is installed (deploy/package/build.sh installs these two files as they are).
 */
class UnitJvmOptionsTest {

    private static final String JAVA = "ExecStart=/usr/bin/java ";

    static List<String> jvmOptions(String unit) throws IOException {
        String line = Files.readAllLines(Path.of("deploy", unit)).stream().filter(l -> l.startsWith("ExecStart=")).findFirst()
                .orElseThrow(() -> new AssertionError(unit + " has no ExecStart="));
        assertTrue(line.startsWith(JAVA) && line.endsWith(" \\"),
                unit + ": the first ExecStart line must be '" + JAVA + "JVM-OPTIONS \\' (the bench reads it), not: " + line);
        return Arrays.asList(line.substring(JAVA.length(), line.length() - 2).trim().split("\\s+"));
    }

    @Test
    void bothUnitsRunTheSameBoundedJvm() throws IOException {
        List<String> dom0 = jvmOptions("dispool.service");
        assertEquals(dom0, jvmOptions("dispool-mgmt.service"), "dispool-mgmt.service's JVM options differ from dispool.service's");
        assertTrue(dom0.stream().allMatch(o -> o.startsWith("-X")), "only JVM options on the first ExecStart line: " + dom0);
        assertTrue(dom0.stream().anyMatch(o -> o.startsWith("-Xmx")), "the heap is bounded (-Xmx): dom0's memory is scarce; " + dom0);
        assertEquals(1, dom0.stream().filter(o -> o.matches("-XX:\\+Use\\w+GC")).count(), "one collector named: " + dom0);
    }
}
