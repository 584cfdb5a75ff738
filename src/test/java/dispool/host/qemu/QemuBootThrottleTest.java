package dispool.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.HostEvent;
import dispool.host.PowerState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On real QEMU guests: a hand-out holds a booting guest still (SIGSTOP) and lets it go, the host
 * shows no pause of it, and a launch waits for the hand-out in progress.
 */
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

    /** The process state letter of the guest's QEMU ({@code T}: stopped by a signal), from /proc. */
    private char processState(String qube) {
        long pid;
        synchronized (host.lock) {
            pid = host.require(qube).vm.pid();
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

    private QemuHost openHost() {
        Path guest = QemuGuest.require();
        host = QemuHost.open(QemuGuest.settings(tmp.resolve("state"), OptionalLong.empty(), Map.of(),
                QemuGuest.template(guest, "dvm", "tpl", 192, true, Map.of())));
        host.events().subscribe().with(events::add);
        return host;
    }

    @Test
    void aBootingGuestIsStoppedDuringAHandOutThenBootsOnWithNoPauseEventOfItsOwn() {
        openHost();
        String preload = host.createDisposable("dvm", Map.of());
        host.start(preload);
        assertTrue(host.runService(preload, "qubes.WaitForRunningSystem", BOOT).succeeded());
        host.pause(preload);
        String booting = host.createDisposable("dvm", Map.of());
        host.start(booting);

        try (BootThrottle.Hold hold = host.runs.boots.hold()) {
            await().until(() -> processState(booting) == 'T');
            assertEquals(PowerState.Running, host.qube(booting).state(), "held still, not paused: the host's state stays");
        }
        await().until(() -> processState(booting) != 'T');
        host.unpause(preload); // a hand-out of its own, with the boot beside it
        assertEquals("running", status(preload));
        assertTrue(host.runService(booting, "qubes.WaitForRunningSystem", BOOT).succeeded(), "it boots on to ready");

        await().until(() -> events.stream().filter(e -> e.subject().equals(preload)).anyMatch(e -> e.is("domain-unpaused")));
        List<String> ofBooting = events.stream().filter(e -> e.subject().equals(booting)).map(HostEvent::name).toList();
        assertEquals(List.of("domain-pre-start", "domain-unpaused", "domain-start"), ofBooting,
                "SIGSTOP and SIGCONT are no domain events");
        try (BootThrottle.Hold hold = host.runs.boots.hold()) {
            assertFalse(host.runs.boots.isStopped(booting), "once it answered it is no longer booting: never stopped again");
        }
    }

    @Test
    void aLaunchWaitsForTheHandOutInProgressThenBoots() throws Exception {
        openHost();
        String late = host.createDisposable("dvm", Map.of());
        Path pidFile = host.vmDir(late).resolve(QemuVm.PID);
        CompletableFuture<Void> start;
        try (BootThrottle.Hold hold = host.runs.boots.hold()) {
            start = CompletableFuture.runAsync(() -> host.start(late));
            Awaitility.await().during(Duration.ofMillis(300)).atMost(BootThrottle.LAUNCH_WAIT.minusMillis(100))
                    .until(() -> !Files.exists(pidFile));
        }
        start.get(BOOT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(host.runService(late, "qubes.WaitForRunningSystem", BOOT).succeeded(), "launched once the hand-out ended");
    }
}
