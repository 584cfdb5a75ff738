package dispool.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both units are hardened: {@code systemd-analyze security --offline=yes UNIT} rates their
 * exposure at most 3.0 (systemd's "OK" band), and they serve the API on the Unix socket only,
 * keep their files in systemd's own directories, and never run as root. Skipped, saying why,
 * where systemd-analyze is missing or too old for {@code --offline} (systemd 250).
 */
class UnitHardeningTest {

    static final double MAX_EXPOSURE = 3.0;
    private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d+)");

    @ParameterizedTest
    @ValueSource(strings = {"dispool.service", "dispool-mgmt.service"})
    void exposureIsAtMostThree(String unit) throws IOException, InterruptedException {
        String out = analyze(Path.of("deploy", unit));
        Matcher m = EXPOSURE.matcher(out);
        Assumptions.assumeTrue(m.find(), "systemd-analyze security --offline=yes gave no exposure level (systemd < 250?): " + out);
        double exposure = Double.parseDouble(m.group(1));
        System.out.printf("systemd-analyze security --offline=yes %s: exposure %.1f%n", unit, exposure);
        assertTrue(exposure <= MAX_EXPOSURE, unit + ": exposure " + exposure + " > " + MAX_EXPOSURE + "\n" + out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dispool.service", "dispool-mgmt.service"})
    void socketOnlyInSystemdsDirectoriesNeverRoot(String unit) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("deploy", unit));
        for (String key : List.of("StateDirectory=dispool", "RuntimeDirectory=dispool", "ConfigurationDirectory=dispool",
                "PrivateNetwork=yes", "RestrictAddressFamilies=AF_UNIX", "NoNewPrivileges=yes", "CapabilityBoundingSet=")) {
            assertTrue(lines.contains(key), unit + " lacks " + key);
        }
        assertTrue(lines.stream().noneMatch(l -> l.equals("User=root") || l.startsWith("User=") && l.length() == 5), unit + " runs as root");
        String text = String.join("\n", lines.stream().filter(l -> !l.startsWith("#")).toList());
        for (String path : List.of("-Ddispool.api.token-file=/var/lib/dispool/api-token", "-Ddispool.history.dir=/var/lib/dispool",
                "-Ddispool.audit.file=/var/lib/dispool/audit.log", "-Ddispool.api.socket=/run/dispool/dispool.sock")) {
            assertTrue(text.contains(path), unit + " lacks " + path);
        }
        assertEquals(-1, text.indexOf("quarkus.http.host-enabled=true"), unit + " opens TCP");
    }

    private static String analyze(Path unit) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("systemd-analyze", "security", "--offline=yes", unit.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("systemd-analyze is not installed here (" + e.getMessage() + "): the units' exposure is not rated");
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze did not finish");
        return out;
    }
}
