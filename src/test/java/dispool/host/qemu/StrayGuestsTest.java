package dispool.host.qemu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dispool killed while it launched a guest or wrote an overlay leaves a process that goes on
 * writing into a guest directory no qube accounts for. Opening the host must kill it before the
 * directory goes, and leave alone a process of the user that only reads there. The "QEMU binary"
 * here is {@code sh}, whose loop creates a file after file in the directory as a QEMU launched
 * late creates its sockets and console log; no guest is needed.
 */
class StrayGuestsTest {

    @TempDir
    Path tmp;
    private final List<Process> started = new ArrayList<>();
    private QemuHost host;

    @AfterEach
    void stop() {
        started.forEach(Process::destroyForcibly);
        if (host != null) {
            host.close();
        }
    }

    @Test
    void aProcessStillWritingIntoAnUnaccountedGuestDirIsKilledBeforeTheDirGoes() throws Exception {
        Path state = tmp.resolve("state");
        Path orphan = Files.createDirectories(state.resolve(QemuHost.VMS).resolve("disp98"));
        Process writer = start("sh", "-c", "i=0; while :; do i=$((i+1)); : > \"$0/console$i.log\"; done", orphan.toString());
        Files.writeString(orphan.resolve("console.log"), "booting\n");
        Process reader = start("tail", "-f", orphan.resolve("console.log").toString());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> files(orphan) > 10);

        host = QemuHost.open(new QemuSettings(state, "sh", "qemu-img", "tcg", OptionalLong.empty(),
                Duration.ofSeconds(5), Duration.ofSeconds(30), List.of(), Map.of(), Optional.empty()));

        assertFalse(writer.isAlive(), "the writer (a QEMU of no qube) is killed");
        assertFalse(Files.exists(orphan), "the directory no qube accounts for is gone");
        assertTrue(reader.isAlive(), "a tail -f of a console log is the user's and is left alone");
    }

    private Process start(String... argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        started.add(p);
        return p;
    }

    private static long files(Path dir) throws IOException {
        try (Stream<Path> all = Files.list(dir)) {
            return all.count();
        }
    }
}
