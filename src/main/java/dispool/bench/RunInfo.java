package dispool.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * Where and how a bench ran, printed and written with every result (HikariCP-style honesty:
 * host, versions, CPU, concurrency).
 *
 * @param measuredBy  which host measured (the target's description)
 * @param timeScale   host time per wall time
 * @param startedUtc  when the run began
 * @param jdk         JDK vendor and version that ran the bench
 * @param os          OS name, version and architecture
 * @param cpuModel    the CPU model from /proc/cpuinfo, or "unknown"
 * @param cpus        processors available to the JVM
 * @param iterations  requests per scenario
 * @param timedQuantity what the figures are
 */
public record RunInfo(String measuredBy, double timeScale, String startedUtc, String jdk, String os, String cpuModel,
        int cpus, int iterations, String timedQuantity) {

    static final String TIMED = "request -> usable, host-time ms: the engine's usableAfterMs (claim + unpause for a "
            + "preload; create + start + qubes.WaitForRunningSystem for a cold one), i.e. Qubes' API \"response\" "
            + "without the client lookup and the probe's own qrexec call";

    public static RunInfo collect(BenchTarget target, int iterations) {
        return new RunInfo(target.describe(), target.timeScale(), Instant.now().toString(),
                "JDK " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                cpuModel(Path.of("/proc/cpuinfo")), Runtime.getRuntime().availableProcessors(), iterations, TIMED);
    }

    static String cpuModel(Path cpuinfo) {
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
