package dispool.host.qubesd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.UnixOperatingSystemMXBean;
import dispool.emulator.EmulatorServices;
import dispool.emulator.QubesdEmulator;
import dispool.host.Clock;
import dispool.host.QubesException;
import dispool.host.sim.SimHost;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Every Admin API call gives back what it took: its timeout leaves the watchdog scheduler with the
 * call, and its connection is closed on every path (answered, refused by qubesd, qubesd gone).
 */
class TransportResourcesTest {

    private static final int CALLS = 100_000;
    private static final int THREADS = 4;
    /** The dom0 unit's own call timeout: a watchdog that outlived its call would wait this long. */
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);

    private static long openFds() {
        return ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getOpenFileDescriptorCount();
    }

    @Test
    void aHundredThousandCallsLeaveNoWatchdogAndNoConnectionBehind() throws Exception {
        Path dir = Files.createTempDirectory("transport");
        SimHost sim = SimHost.builder().clock(Clock.scaled(1000)).seed(3).dvmTemplate("default-dvm", 400).build();
        try (QubesdEmulator emulator = QubesdEmulator.serve(sim, dir.resolve("qubesd.sock"))) {
            SocketTransport transport = new SocketTransport(emulator.socket(), CALL_TIMEOUT);
            QubesdHost host = new QubesdHost(transport, new EmulatorServices(transport), MemorySource.NONE,
                    new EventStream.Backoff(Duration.ofMillis(20), Duration.ofMillis(200)));
            host.feature("default-dvm", "preload-dispvm-max"); // JDK and emulator set up before the baseline
            int queuedBefore = SocketTransport.watchdogsQueued();
            long fdsBefore = openFds();

            ExecutorService callers = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                done.add(callers.submit(() -> {
                    for (int i = 0; i < CALLS / THREADS; i++) {
                        if (i % 2 == 0) {
                            host.feature("default-dvm", "preload-dispvm-max"); // answered (absent)
                        } else {
                            assertThrows(QubesException.class, () -> host.property("no-such-qube", "memory")); // refused
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
            callers.shutdown();
            SocketTransport gone = new SocketTransport(dir.resolve("no-qubesd.sock"), CALL_TIMEOUT);
            QubesdHost noQubesd = new QubesdHost(gone, null, MemorySource.NONE,
                    new EventStream.Backoff(Duration.ofMillis(20), Duration.ofMillis(200)));
            for (int i = 0; i < 1000; i++) {
                assertThrows(QubesException.class, () -> noQubesd.feature("default-dvm", "preload-dispvm-max")); // cannot connect
            }

            assertEquals(queuedBefore, SocketTransport.watchdogsQueued(), "watchdogs left in the scheduler's queue");
            // the emulator closes its side after it writes: wait for those closes, not for time
            Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> assertTrue(openFds() <= fdsBefore + 2,
                            "open fds " + openFds() + ", " + fdsBefore + " before " + CALLS + " calls"));
        }
    }

    @Test
    void aCallWithoutAReplyIsCutOffAndReleasesItsWatchdogAndConnection() throws IOException {
        Path dir = Files.createTempDirectory("transport");
        SimHost sim = SimHost.builder().clock(Clock.scaled(1000)).seed(3).dvmTemplate("default-dvm", 400).build();
        try (QubesdEmulator emulator = QubesdEmulator.serve(sim, dir.resolve("qubesd.sock"))) {
            SocketTransport transport = new SocketTransport(emulator.socket(), Duration.ofMillis(200));
            int queuedBefore = SocketTransport.watchdogsQueued();
            long fdsBefore = openFds();
            // admin.Events never ends by itself: as a call, it gets no complete reply
            QubesException e = assertThrows(QubesException.class,
                    () -> transport.call(dispool.host.qubesd.wire.AdminCall.of("admin.Events", "", "dom0", "")));
            assertTrue(e.getMessage().contains("no reply"), e.getMessage());
            assertEquals(queuedBefore, SocketTransport.watchdogsQueued());
            Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                    .until(() -> openFds() <= fdsBefore + 2);
        }
    }
}
