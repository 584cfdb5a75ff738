package dispool.systemd;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The service as systemd (Type=notify, WatchdogSec=) sees it: the socket is bound before the
 * service starts, as systemd does, and receives READY=1 with the pools' status, then WATCHDOG=1.
 * The socket stays open until the JVM exits, so STOPPING=1 at shutdown still has a receiver, and
 * after the test it is drained as systemd reads every notification: the service lives on for
 * the next tests of its profile, and a full queue would make each beat log a warning.
 */
@QuarkusTest
@TestProfile(SystemdNotifyServiceTest.UnderSystemd.class)
class SystemdNotifyServiceTest {

    static final String SOCKET = socketPath();
    static final NotifyReceiver SYSTEMD = new NotifyReceiver(SOCKET);

    public static class UnderSystemd implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("dispool.systemd.notify-socket", SOCKET, "dispool.systemd.watchdog-interval", "PT0.2S");
        }
    }

    private static String socketPath() {
        try {
            return Files.createTempDirectory("dispool-notify").resolve("notify").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void drainAsSystemdDoes() {
        Thread drain = new Thread(() -> {
            while (true) {
                SYSTEMD.receive(Duration.ofSeconds(1));
            }
        }, "systemd-notify-drain");
        drain.setDaemon(true);
        drain.start();
    }

    @Test
    void readyOnceThePoolsAreAdoptedThenWatchdogBeats() {
        String first = SYSTEMD.receive(Duration.ofSeconds(10));
        assertNotNull(first, "no notification within 10 s");
        StringBuilder seen = new StringBuilder(first);
        while (!seen.toString().contains("WATCHDOG=1")) {
            String next = SYSTEMD.receive(Duration.ofSeconds(10));
            assertNotNull(next, "no WATCHDOG=1 within 10 s after " + seen);
            seen.append(next);
        }
        assertTrue(seen.indexOf("READY=1") < seen.indexOf("WATCHDOG=1"), "READY=1 before the first WATCHDOG=1: " + seen);
        assertTrue(first.startsWith("READY=1\n") && first.contains("STATUS=pools ") && first.contains("default-dvm "),
                "the first notification says READY=1 with the pools: " + first);
        assertTrue(first.contains("MAINPID=" + ProcessHandle.current().pid()), first);
    }
}
