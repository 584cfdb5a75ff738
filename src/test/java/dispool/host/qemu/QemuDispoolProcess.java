package dispool.host.qemu;

import dispool.pool.DispoolEngine;
import dispool.pool.EngineSettings;
import dispool.pool.PoolView;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * dispool in a process of its own, for {@link QemuRestartTest} to SIGKILL: the engine on a QEMU
 * host; once the pool of two is ready it prints their names and raises the max to four, so the
 * kill finds two paused preloads and more still starting.
 */
public final class QemuDispoolProcess {

    private QemuDispoolProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        QemuHost host = QemuHost.open(QemuGuest.settings(Path.of(args[0]), OptionalLong.empty(), Map.of(),
                QemuGuest.template(Path.of(args[1]), QemuPoolTest.DVM, QemuPoolTest.TPL, QemuPoolTest.GUEST_MIB, true,
                        Map.of("preload-dispvm-max", "2", "preload-dispvm-delay", "0"))));
        DispoolEngine engine = new DispoolEngine(host, EngineSettings.defaults());
        engine.start();
        while (engine.pool(QemuPoolTest.DVM).ready() < 2) {
            Thread.sleep(20); // a separate process has no Awaitility of its own: poll the engine's view
        }
        System.out.println("ready " + engine.pool(QemuPoolTest.DVM).preloads().stream().map(PoolView.PreloadView::name)
                .collect(Collectors.joining(" ")));
        engine.setMax(QemuPoolTest.DVM, "4");
        System.out.println("raised");
        Thread.sleep(Long.MAX_VALUE);
    }
}
