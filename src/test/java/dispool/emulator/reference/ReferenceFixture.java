package dispool.emulator.reference;

import dispool.host.Clock;
import dispool.host.PowerState;
import dispool.host.sim.SimHost;
import dispool.host.sim.SimHostBuilder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** A simulated host (200× faster than real time) with the reference qubesd of one release on it, and what tests read. */
final class ReferenceFixture implements AutoCloseable {

    static final String DVM = "default-dvm";
    static final String TEMPLATE_VM = "fedora-42-xfce";

    final SimHost host;
    QubesdPreloading qubesd;

    /** {@link #DVM} (400 MiB, the default_dispvm) with {@code max} preloads, plus what {@code more} adds. */
    ReferenceFixture(Release release, String max, UnaryOperator<SimHostBuilder> more) {
        SimHostBuilder b = SimHost.builder().clock(Clock.scaled(200)).seed(3).dvmTemplate(DVM, 400, TEMPLATE_VM, 1.0)
                .defaultDispvm(DVM).feature(DVM, "preload-dispvm-max", max).feature(DVM, "preload-dispvm-delay", "3");
        host = more.apply(b).build();
        qubesd = new QubesdPreloading(host, release);
    }

    static ConditionFactory await() {
        return Awaitility.await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(5));
    }

    /** qubesd's {@code preload-dispvm} list of {@code appvm}. */
    List<String> listed(String appvm) {
        String v = host.feature(appvm, "preload-dispvm").orElse("");
        return v.isEmpty() ? List.of() : Arrays.asList(v.split(" "));
    }

    void awaitPaused(String appvm, int n) {
        await().until(() -> listed(appvm).size() == n
                && listed(appvm).stream().allMatch(q -> host.qube(q).state() == PowerState.Paused));
    }

    boolean exists(String qube) {
        return host.listQubes().stream().anyMatch(q -> q.name().equals(qube));
    }

    List<String> reasons() {
        return qubesd.removals().stream().map(QubesdPreloading.Removal::reason).toList();
    }

    @Override
    public void close() {
        qubesd.close();
    }
}
