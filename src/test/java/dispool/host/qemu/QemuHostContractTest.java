package dispool.host.qemu;

import dispool.host.QubesHost;
import dispool.host.QubesHostContract;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract on real QEMU guests (three boots in all), each test on its own state directory
 * and its own copy of the guest image (the update test moves its modification time). A budget
 * of 2400 MiB keeps the available figure modest and makes a running guest's memory visible.
 */
class QemuHostContractTest extends QubesHostContract {

    @TempDir
    Path tmp;
    private QemuHost host;

    @BeforeEach
    void newHost() throws IOException {
        Path guest = QemuGuest.copyTo(tmp.resolve("guest"));
        host = QemuHost.open(QemuGuest.settings(tmp.resolve("state"), guest, DVM, TPL, 400, true,
                OptionalLong.of(2400), Map.of(), Map.of()));
    }

    @AfterEach
    void stopGuests() {
        host.listQubes().stream().filter(q -> q.isDispVm() && q.state().isActive()).forEach(q -> host.kill(q.name()));
        host.close();
    }

    @Override
    protected QubesHost host() {
        return host;
    }

    @Override
    protected void updateTemplate(String qube) {
        host.updateTemplate(qube);
    }
}
