package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dispool.host.sim.SimHost;
import dispool.host.sim.SimOp;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Knobs changing while preloads are still starting: whatever finishes under an old setting is
 * counted against the new one or removed; no qube is left that no pool owns.
 */
class KnobRaceTest extends EngineFixture {

    /** Starts are slowed ten times until the knob changed, so a loaded machine cannot miss the window. */
    private void awaitStarting(String template, int n) {
        await().until(() -> pool(template).starting() >= n);
    }

    private SimHost slowStarts(SimHost host) {
        host.faults().slow(SimOp.START, 10);
        return host;
    }

    private void assertNoRogueQubes(String template, int expected) {
        awaitReady(template, expected);
        Set<String> pooled = pool(template).preloads().stream().map(PoolView.PreloadView::name).collect(Collectors.toSet());
        await().until(() -> dispvmsOf(template).size() == expected);
        assertEquals(pooled, dispvmsOf(template).stream().map(q -> q.name()).collect(Collectors.toSet()));
        assertEquals(pooled, Set.copyOf(listFeature(template)));
    }

    @Test
    void maxLoweredThenRaisedWhileStarting() {
        start(slowStarts(host().build()));
        engine.setMax(WEB, "3");
        awaitStarting(WEB, 3);
        engine.setMax(WEB, "0");
        engine.setMax(WEB, "2");
        sim.faults().clear();
        assertNoRogueQubes(WEB, 2);
    }

    @Test
    void templateChangedWhileStarting() {
        start(slowStarts(host().build()));
        engine.setMax(WEB, "2");
        awaitStarting(WEB, 2);
        sim.setProperty(WEB, "netvm", "sys-whonix");
        sim.faults().clear();
        assertNoRogueQubes(WEB, 2);
        for (var p : pool(WEB).preloads()) {
            assertEquals("sys-whonix", sim.property(p.name(), "netvm"), p.name() + " is outdated");
        }
    }

    @Test
    void featureDeletedAndSetAgainWhileStarting() {
        start(slowStarts(host().build()));
        sim.setFeature(WEB, "preload-dispvm-max", "2");
        awaitStarting(WEB, 2);
        sim.removeFeature(WEB, "preload-dispvm-max");
        sim.setFeature(WEB, "preload-dispvm-max", "1");
        sim.faults().clear();
        assertNoRogueQubes(WEB, 1);
    }

    @Test
    void templateLosesTemplateForDispvmsWhileStarting() {
        start(slowStarts(host().build()));
        engine.setMax(WEB, "2");
        awaitStarting(WEB, 2);
        sim.setProperty(WEB, "template_for_dispvms", "False");
        sim.faults().clear();
        await().until(() -> dispvmsOf(WEB).isEmpty());
    }
}
