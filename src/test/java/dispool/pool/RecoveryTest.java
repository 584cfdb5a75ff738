package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.PowerState;
import dispool.host.sim.SimHost;
import dispool.host.sim.SimOp;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Restart reconciliation: a new engine on a host where an old one left its marks. */
class RecoveryTest extends EngineFixture {

    private List<String> names(String template) {
        return pool(template).preloads().stream().map(PoolView.PreloadView::name).toList();
    }

    private void restart() {
        SimHost host = sim;
        engine.close();
        start(host);
    }

    @Test
    void readyPreloadsSurviveARestartAndInterruptedOnesAreRemoved() {
        start(host().feature(WEB, "preload-dispvm-max", "2").build());
        awaitReady(WEB, 2);
        List<String> ready = names(WEB);
        sim.faults().hang(SimOp.RUN_SERVICE);
        engine.setMax(WEB, "3");
        // Named in the same read that finds it waiting: read again later, a starved test thread could find
        // it failed already (its hung readiness call times out after qrexec_timeout, 300 ms of wall time)
        String interrupted = await().until(() -> pool(WEB).preloads().stream()
                .filter(p -> p.state() == PreloadState.WAITING_OPERATIONAL).findFirst()
                .map(PoolView.PreloadView::name).orElse(null), Objects::nonNull);
        engine.close();
        sim.faults().clear();
        start(sim);
        assertEquals(ready, names(WEB).subList(0, 2), "completed, paused preloads are adopted in order");
        assertTrue(sim.listQubes().stream().noneMatch(q -> q.name().equals(interrupted)), "interrupted preload removed");
        awaitReady(WEB, 3);
        assertEquals(3, dispvmsOf(WEB).size());
        assertEquals(ready.get(0), handOut(WEB).name());
    }

    @Test
    void aPreloadUnpausedBeforeTheCrashIsNeverHandedOutAgain() {
        start(host().feature(WEB, "preload-dispvm-max", "1").build());
        awaitReady(WEB, 1);
        String name = names(WEB).get(0);
        engine.close();
        sim.unpause(name); // unpaused, but the list still names it: as if dispool died mid hand-out
        start(sim);
        assertFalse(names(WEB).contains(name));
        assertTrue(sim.feature(name, "internal").isEmpty());
        assertEquals(PowerState.Running, state(name), "it is someone's disposable now: left running");
        awaitReady(WEB, 1);
        assertNotEquals(name, handOut(WEB).name());
    }

    @Test
    void listEntriesOfGoneQubesAreDropped() {
        start(host().feature(WEB, "preload-dispvm-max", "1").build());
        awaitReady(WEB, 1);
        String name = names(WEB).get(0);
        engine.close();
        sim.setFeature(WEB, "preload-dispvm", name + " disp99999");
        restart();
        await().until(() -> listFeature(WEB).equals(List.of(name)));
    }

    @Test
    void preloadsOutdatedWhileDispoolWasDownAreReplaced() {
        start(host().feature(WEB, "preload-dispvm-max", "1").build());
        awaitReady(WEB, 1);
        String name = names(WEB).get(0);
        engine.close();
        sim.setProperty(WEB, "netvm", "sys-whonix");
        start(sim);
        await().until(() -> pool(WEB).ready() == 1 && !names(WEB).contains(name));
        await().until(() -> sim.listQubes().stream().noneMatch(q -> q.name().equals(name)));
    }
}
