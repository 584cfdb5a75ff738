package dispool.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.PowerState;
import dispool.host.QubeInfo;
import dispool.pool.DispoolEngine;
import dispool.pool.EngineSettings;
import dispool.pool.PoolView;
import dispool.pool.PreloadState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of dispool while two preloads are paused and more are starting, then a restart: the
 * completed preloads are kept, the interrupted ones removed, and afterwards the process table
 * holds exactly the QEMU processes of the inventory's qubes, the state directory exactly their
 * directories (overlays).
 */
class QemuRestartTest {

    @TempDir
    Path tmp;
    private Process dispool;
    private QemuHost host;
    private DispoolEngine engine;

    @AfterEach
    void stop() {
        if (dispool != null) {
            dispool.destroyForcibly();
        }
        if (engine != null) {
            engine.close();
        }
        QemuGuest.stopAll(host);
    }

    @Test
    void aKilledDispoolKeepsCompletedPreloadsAndLeavesNoOrphan() throws Exception {
        Path guest = QemuGuest.require();
        Path state = tmp.resolve("state");
        BlockingQueue<String> out = launchDispool(state, guest);
        String ready = Awaitility.await().atMost(Duration.ofSeconds(120)).until(out::take, l -> l.startsWith("ready "));
        List<String> completed = List.of(ready.substring(6).split(" "));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> qemuProcesses(state).size() > 2);

        dispool.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no cleanup
        int left = qemuProcesses(state).size();
        assertTrue(left > 2, "the guests outlive dispool");

        host = QemuHost.open(QemuGuest.settings(state, OptionalLong.empty(), Map.of(),
                QemuGuest.template(guest, QemuPoolTest.DVM, QemuPoolTest.TPL, QemuPoolTest.GUEST_MIB, true, Map.of())));
        host.setFeature(QemuPoolTest.DVM, "preload-dispvm-max", "2"); // the two kept suffice: no boot after restart
        engine = new DispoolEngine(host, EngineSettings.defaults());
        engine.start();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> host.listQubes().stream()
                .filter(QubeInfo::isDispVm).count() == 2);

        PoolView pool = engine.pool(QemuPoolTest.DVM);
        assertEquals(completed, pool.preloads().stream().map(PoolView.PreloadView::name).toList(), pool.toString());
        assertTrue(pool.preloads().stream().allMatch(p -> p.state() == PreloadState.READY), pool.toString());
        completed.forEach(n -> assertEquals(PowerState.Paused, host.qube(n).state(), n));
        assertEquals(Set.copyOf(completed), guestDirs(state), "no overlay nor directory that the inventory does not name");
        assertEquals(2, qemuProcesses(state).size(), "exactly the two kept guests run: " + qemuProcesses(state));
        System.out.printf("QEMU restart (%s): %d guests running at SIGKILL, %d completed preloads kept (%s), %d "
                + "interrupted removed%n", host.accelerator(), left, completed.size(), completed, left - completed.size());
    }

    private BlockingQueue<String> launchDispool(Path state, Path guest) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        dispool = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                QemuDispoolProcess.class.getName(), state.toString(), guest.toString()).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(dispool.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
            } catch (IOException e) {
                lines.add("stream closed: " + e.getMessage());
            }
        });
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    /** The process table's QEMU guests of this state directory. */
    private static List<GuestProcesses.Running> qemuProcesses(Path state) {
        return GuestProcesses.all(state.resolve(QemuHost.VMS) + "/").stream()
                .filter(p -> p.commandLine().contains(" -qmp ")).toList();
    }

    private static Set<String> guestDirs(Path state) throws IOException {
        try (Stream<Path> dirs = Files.list(state.resolve(QemuHost.VMS))) {
            return dirs.map(d -> d.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
