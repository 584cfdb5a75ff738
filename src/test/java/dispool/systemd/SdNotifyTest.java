package dispool.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify over JNA against real datagram sockets, a path and an abstract name as systemd gives them. */
class SdNotifyTest {

    @TempDir
    Path dir;

    @Test
    void aPathSocketReceivesTheNotification() {
        String path = dir.resolve("notify").toString();
        try (NotifyReceiver systemd = new NotifyReceiver(path)) {
            new SdNotify(path).send("READY=1\nSTATUS=pools default-dvm 2/2\n");
            assertEquals("READY=1\nSTATUS=pools default-dvm 2/2\n", systemd.receive(Duration.ofSeconds(5)));
        }
    }

    @Test
    void anAbstractSocketReceivesTheNotification() {
        String name = "@dispool-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (NotifyReceiver systemd = new NotifyReceiver(name)) {
            new SdNotify(name).send("WATCHDOG=1\n");
            assertEquals("WATCHDOG=1\n", systemd.receive(Duration.ofSeconds(5)));
        }
    }

    @Test
    void aMissingSocketFailsWithTheNameAndWhy() {
        String path = dir.resolve("gone").toString();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new SdNotify(path).send("READY=1\n"));
        assertTrue(e.getMessage().contains(path) && e.getMessage().contains("NOTIFY_SOCKET"), e.getMessage());
        assertTrue(Files.notExists(Path.of(path)));
    }

    @Test
    void aFullQueueFailsInsteadOfBlocking() {
        String path = dir.resolve("full").toString();
        try (NotifyReceiver stuck = new NotifyReceiver(path)) {
            SdNotify n = new SdNotify(path);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
                for (int i = 0; i < 100_000; i++) {
                    n.send("WATCHDOG=1\n");
                }
            });
            assertTrue(e.getMessage().contains("errno 11"), "EAGAIN once the receiver's queue is full: " + e.getMessage());
            assertEquals("WATCHDOG=1\n", stuck.receive(Duration.ofSeconds(5)));
        }
    }

    @Test
    void badNamesAreRefusedUpFront() {
        assertThrows(IllegalArgumentException.class, () -> new SdNotify(""));
        assertThrows(IllegalArgumentException.class, () -> new SdNotify("@"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SdNotify("/" + "x".repeat(120)));
        assertTrue(e.getMessage().contains("at most 107"), e.getMessage());
    }
}
