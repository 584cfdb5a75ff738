package dispool.host.qubesd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.Clock;
import dispool.host.PowerState;
import dispool.host.QubeInfo;
import dispool.emulator.EmulatorServices;
import dispool.emulator.QubesdEmulator;
import dispool.emulator.QubesdEmulator.Release;
import dispool.host.sim.SimHost;
import dispool.pool.Backoff;
import dispool.pool.DispoolEngine;
import dispool.pool.EngineSettings;
import dispool.pool.HandOut;
import dispool.pool.Marks;
import dispool.pool.PoolView;
import dispool.pool.PreloadOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Mode detection against each emulated qubesd release, and native mode end to end: the emulated
 * R4.3 qubesd preloads by itself, dispool sets the knob, hands out through
 * admin.vm.CreateDisposable and shows the pool from qubesd's features, and never preloads itself.
 */
class NativeModeTest {

    private static SimHost sim(boolean withMax) {
        SimHost.Builder b = SimHost.builder().clock(Clock.scaled(200)).seed(5).dvmTemplate("default-dvm", 400)
                .defaultDispvm("default-dvm");
        return (withMax ? b.feature("default-dvm", "preload-dispvm-max", "2") : b).build();
    }

    private static QubesdHost client(QubesdEmulator emulator) {
        SocketTransport t = new SocketTransport(emulator.socket(), Duration.ofSeconds(30));
        return new QubesdHost(t, new EmulatorServices(t), MemorySource.NONE,
                new EventStream.Backoff(Duration.ofMillis(20), Duration.ofMillis(200)));
    }

    private static QubesdMode detect(Release release, boolean withMax) throws IOException {
        Path dir = Files.createTempDirectory("mode");
        try (QubesdEmulator emulator = QubesdEmulator.serve(sim(withMax), dir.resolve("q.sock"), release)) {
            if (withMax) {
                Awaitility.await().atMost(10, TimeUnit.SECONDS)
                        .until(() -> emulator.host().listQubes().stream().anyMatch(QubeInfo::isDispVm));
            }
            return ModeDetection.detect(client(emulator)).mode();
        }
    }

    @Test
    void theModeIsDetectedFromWhatTheAdminApiShows() throws IOException {
        assertEquals(QubesdMode.MANAGED, detect(Release.R42, false), "R4.2: no uuid= in listings");
        assertEquals(QubesdMode.MANAGED, detect(Release.R43, false), "no disposable, CreateDisposable+preload refused");
        assertEquals(QubesdMode.NATIVE, detect(Release.R43_NATIVE, false), "no disposable, CreateDisposable+preload accepted");
        assertEquals(QubesdMode.NATIVE, detect(Release.R43_NATIVE, true), "a disposable has is_preload");
    }

    @Test
    void inNativeModeQubesdPreloadsAndDispoolOnlyHandsOut() throws IOException {
        Path dir = Files.createTempDirectory("native");
        try (QubesdEmulator emulator = QubesdEmulator.serve(sim(false), dir.resolve("q.sock"), Release.R43_NATIVE)) {
            SimHost sim = emulator.host();
            EngineSettings settings = new EngineSettings(Marks.prefixed("x-dispool-"), Backoff.DEFAULT, Duration.ofSeconds(30),
                    Duration.ofSeconds(10), Duration.ofSeconds(120), PreloadOwner.HOST);
            try (DispoolEngine engine = new DispoolEngine(client(emulator), settings)) {
                engine.start();
                engine.setMax("default-dvm", "2");
                Awaitility.await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                        .until(() -> engine.pool("default-dvm").ready() == 2);
                PoolView view = engine.pool("default-dvm");
                assertEquals(2, view.max());
                List<String> listed = List.of(sim.feature("default-dvm", "preload-dispvm").orElseThrow().split(" "));
                assertEquals(listed, view.preloads().stream().map(PoolView.PreloadView::name).toList());

                HandOut h = engine.handOut("default-dvm").await().atMost(Duration.ofSeconds(20));
                assertTrue(h.preloaded());
                assertTrue(listed.contains(h.name()), "qubesd handed out one of its preloads");
                assertEquals(PowerState.Running, sim.qube(h.name()).state());
                Awaitility.await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                        .until(() -> engine.pool("default-dvm").ready() == 2);
                assertFalse(sim.feature("default-dvm", "preload-dispvm-x-dispool-list").isPresent(), "dispool kept no pool of its own");
                long dispvms = sim.listQubes().stream().filter(QubeInfo::isDispVm).count();
                assertEquals(3, dispvms, "two preloads of qubesd and the hand-out: nothing preloaded twice");
            }
        }
    }
}
