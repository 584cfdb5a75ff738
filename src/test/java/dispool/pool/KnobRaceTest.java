package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Knobs changing while preloads are still starting: whatever finishes under an old setting is
 * counted against the new one or removed; no qube is left that no pool owns.
 */
class KnobRaceTest extends EngineFixture {

    private void awaitStarting(String template, int n) {
        await().until(() -> pool(template).starting() >= n);
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
        start(host().build());
        engine.setMax(WEB, "3");
        awaitStarting(WEB, 3);
        engine.setMax(WEB, "0");
        engine.setMax(WEB, "2");
        assertNoRogueQubes(WEB, 2);
    }

    @Test
    void templateChangedWhileStarting() {
        start(host().build());
        engine.setMax(WEB, "2");
        awaitStarting(WEB, 2);
        sim.setProperty(WEB, "netvm", "sys-whonix");
        assertNoRogueQubes(WEB, 2);
        for (var p : pool(WEB).preloads()) {
            assertEquals("sys-whonix", sim.property(p.name(), "netvm"), p.name() + " is outdated");
        }
    }

    @Test
    void featureDeletedAndSetAgainWhileStarting() {
        start(host().build());
        sim.setFeature(WEB, "preload-dispvm-max", "2");
        awaitStarting(WEB, 2);
        sim.removeFeature(WEB, "preload-dispvm-max");
        sim.setFeature(WEB, "preload-dispvm-max", "1");
        assertNoRogueQubes(WEB, 1);
    }

    @Test
    void templateLosesTemplateForDispvmsWhileStarting() {
        start(host().build());
        engine.setMax(WEB, "2");
        awaitStarting(WEB, 2);
        sim.setProperty(WEB, "template_for_dispvms", "False");
        await().until(() -> dispvmsOf(WEB).isEmpty());
    }
}
