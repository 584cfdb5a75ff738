package dispool.host.qubesd;

import dispool.host.Backoff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.Clock;
import dispool.emulator.EmulatorServices;
import dispool.emulator.QubesdEmulator;
import dispool.host.sim.SimHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** qmemman's file: read once, re-read when replaced (rename, as qmemmand does), never polled. */
class QmemmanFileTest {

    private static void replace(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Stands in for the budget a caller configures: a fixed figure. */
    private static final MemorySource FALLBACK = new MemorySource() {
        @Override
        public OptionalLong available(dispool.host.QubesHost host) {
            return OptionalLong.of(7);
        }

        @Override
        public String describe() {
            return "the fallback";
        }
    };

    @Test
    void aFileThatAppearsAfterStartIsPickedUpAndOneThatGoesAwayFallsBack() throws IOException {
        Path file = Files.createTempDirectory("qmemman").resolve("qmemman-avail-mem");
        assertNull(QmemmanFile.watch(file.resolveSibling("no-such-dir").resolve("f"), FALLBACK), "no directory: no watch");
        try (QmemmanFile q = QmemmanFile.watch(file, FALLBACK)) {
            assertEquals(OptionalLong.of(7), q.available(null), "before qmemman wrote it: the fallback");
            assertTrue(q.describe().contains("meanwhile the fallback"), q.describe());
            replace(file, "4096");
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> q.available(null).equals(OptionalLong.of(4096)));
            assertEquals("qmemman " + file, q.describe());
            Files.delete(file);
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> q.available(null).equals(OptionalLong.of(7)));
            replace(file, "8192");
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> q.available(null).equals(OptionalLong.of(8192)));
        }
    }

    @Test
    void theFigureFollowsAtomicReplacementsIncludingNegativeAndJunk() throws IOException {
        Path file = Files.createTempDirectory("qmemman").resolve("qmemman-avail-mem");
        Files.writeString(file, "1073741824");
        try (QmemmanFile q = QmemmanFile.watch(file, FALLBACK)) {
            assertEquals(OptionalLong.of(1L << 30), q.available(null));
            replace(file, "-52428800");
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> q.available(null).equals(OptionalLong.of(-52428800)));
            replace(file, "garbage");
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> q.available(null).isEmpty());
            replace(file, "2048");
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> q.available(null).equals(OptionalLong.of(2048)));
            assertTrue(q.describe().startsWith("qmemman "));
        }
    }

    @Test
    void aBudgetCountsOnlyDispoolsRunningPreloads() throws IOException {
        SimHost sim = SimHost.builder().clock(Clock.scaled(1000)).seed(2).dvmTemplate("web-dvm", 400).build();
        Path dir = Files.createTempDirectory("budget");
        try (QubesdEmulator emulator = QubesdEmulator.serve(sim, dir.resolve("q.sock"))) {
            SocketTransport t = new SocketTransport(emulator.socket(), Duration.ofSeconds(10));
            QubesdHost host = new QubesdHost(t, new EmulatorServices(t), new MemoryBudget(1000),
                    Backoff.doubling(Duration.ofMillis(10), Duration.ofMillis(100)));
            assertEquals(OptionalLong.of(1000L << 20), host.availableMemory());
            String preload = host.createDisposable("web-dvm", Map.of("internal", "1"));
            String other = host.createDisposable("web-dvm", Map.of());
            host.start(preload);
            host.start(other);
            assertEquals(OptionalLong.of(600L << 20), host.availableMemory(), "only the running preload counts");
            host.removeFeature(preload, "internal");
            assertEquals(OptionalLong.of(1000L << 20), host.availableMemory(), "a handed-out disposable is no preload");
            assertEquals("budget 1000 MiB (dispool.qubes.memory-budget-mib)", host.availableMemorySource());
        }
    }
}
