package dispool.host.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This machine's {@code MemAvailable} (/proc/meminfo): the kernel's estimate of memory a new process can take. */
final class MemInfo {

    private static final Path MEMINFO = Path.of("/proc/meminfo");

    private MemInfo() {
    }

    /** Bytes. */
    static long available() {
        try {
            for (String line : Files.readAllLines(MEMINFO)) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read MemAvailable from " + MEMINFO + ": " + e.getMessage(), e);
        }
        throw new IllegalStateException(MEMINFO + " has no MemAvailable line (Linux >= 3.14 has it)");
    }
}
