package dispool.pool;

import dispool.host.Clock;
import dispool.host.PowerState;
import dispool.host.QubeInfo;
import dispool.host.QubesException;
import dispool.host.sim.SimHost;
import dispool.host.sim.SimHostBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;

/**
 * A simulated host (200× faster than real time: a 7 s cold start takes 35 ms) with two DVM
 * templates, and an engine on it. Tests await conditions; none sleeps.
 */
abstract class EngineFixture {

    static final double SCALE = 200;
    static final String WEB = "web-dvm";
    static final String DEFAULT = "default-dvm";

    SimHost sim;
    DispoolEngine engine;

    SimHostBuilder host() {
        return SimHost.builder().clock(Clock.scaled(SCALE)).seed(11).totalMemoryMiB(16000).dom0MemoryMiB(4000)
                .templateVm("fedora-42-xfce").dvmTemplate(WEB, 400).dvmTemplate(DEFAULT, 400).defaultDispvm(DEFAULT);
    }

    DispoolEngine start(SimHost host) {
        sim = host;
        engine = new DispoolEngine(host, EngineSettings.defaults().withResyncInterval(Duration.ofSeconds(30)));
        engine.start();
        return engine;
    }

    @AfterEach
    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    static ConditionFactory await() {
        return Awaitility.await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(2));
    }

    PoolView pool(String template) {
        return engine.pool(template);
    }

    void awaitReady(String template, int ready) {
        await().until(() -> pool(template).ready() == ready && pool(template).starting() == 0
                && pool(template).preloads().size() == ready);
    }

    /** Disposables of the template on the host, whatever their state. */
    List<QubeInfo> dispvmsOf(String template) {
        return sim.listQubes().stream().filter(q -> q.isDispVm() && template.equals(templateOf(q.name()))).toList();
    }

    /** A disposable's template; null when it vanished since the listing (the engine removes qubes meanwhile). */
    private String templateOf(String dispvm) {
        try {
            return sim.property(dispvm, "template");
        } catch (QubesException e) {
            return null;
        }
    }

    PowerState state(String qube) {
        return sim.qube(qube).state();
    }

    List<String> listFeature(String template) {
        String v = sim.feature(template, "preload-dispvm").orElse("").trim();
        return v.isEmpty() ? List.of() : List.of(v.split(" "));
    }

    HandOut handOut(String template) {
        return engine.handOut(template).await().atMost(Duration.ofSeconds(20));
    }
}
