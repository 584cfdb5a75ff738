package dispool.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.HostEvent;
import dispool.host.PowerState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On real QEMU guests: a hand-out holds a booting guest still and lets it go, and the host shows no pause of it. */
class QemuBootThrottleTest {

    private static final Duration BOOT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;
    private QemuHost host;
    private final List<HostEvent> events = new CopyOnWriteArrayList<>();

    private static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20));
    }

    @AfterEach
    void stop() {
        if (host != null) {
            host.listQubes().stream().filter(q -> q.isDispVm() && q.state().isActive()).forEach(q -> host.kill(q.name()));
            host.close();
        }
    }

    private String status(String qube) {
        try {
            QemuVm vm;
            synchronized (host.lock) {
                vm = host.require(qube).vm;
            }
            return vm.status();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aBootingGuestIsStoppedDuringAHandOutThenBootsOnWithNoPauseEventOfItsOwn() {
        Path guest = QemuGuest.require();
        host = QemuHost.open(QemuGuest.settings(tmp.resolve("state"), OptionalLong.empty(), Map.of(),
                QemuGuest.template(guest, "dvm", "tpl", 192, true, Map.of())));
        host.events().subscribe().with(events::add);
        String preload = host.createDisposable("dvm", Map.of());
        host.start(preload);
        assertTrue(host.runService(preload, "qubes.WaitForRunningSystem", BOOT).succeeded());
        host.pause(preload);
        String booting = host.createDisposable("dvm", Map.of());
        host.start(booting);

        try (BootThrottle.Hold hold = host.runs.boots.hold()) {
            await().until(() -> status(booting).equals("paused"));
            assertEquals(PowerState.Running, host.qube(booting).state(), "held still, not paused: the host's state stays");
        }
        await().until(() -> status(booting).equals("running"));
        host.unpause(preload); // a hand-out of its own, with the boot beside it
        assertEquals("running", status(preload));
        assertTrue(host.runService(booting, "qubes.WaitForRunningSystem", BOOT).succeeded(), "it boots on to ready");

        await().until(() -> events.stream().filter(e -> e.subject().equals(preload)).anyMatch(e -> e.is("domain-unpaused")));
        List<String> ofBooting = events.stream().filter(e -> e.subject().equals(booting)).map(HostEvent::name).toList();
        assertEquals(List.of("domain-pre-start", "domain-unpaused", "domain-start"), ofBooting,
                "the throttle's stop and cont are no domain events");
        try (BootThrottle.Hold hold = host.runs.boots.hold()) {
            assertFalse(host.runs.boots.isStopped(booting), "once it answered it is no longer booting: never stopped again");
        }
    }
}
