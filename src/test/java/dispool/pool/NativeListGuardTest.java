package dispool.pool;

import dispool.host.Backoff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * In managed mode on a Qubes host (dispool's marks prefixed), a template whose own
 * {@code preload-dispvm} list is not empty is preloaded by qubesd: dispool leaves it alone, says
 * why, and preloads the others.
 */
class NativeListGuardTest extends EngineFixture {

    private void startManagedOnQubes() {
        sim = host().feature(WEB, "preload-dispvm-max", "2").feature(DEFAULT, "preload-dispvm-max", "1").build();
        sim.setFeature(WEB, "preload-dispvm", "disp42");
        engine = new DispoolEngine(sim, new EngineSettings(Marks.prefixed("x-dispool-"), Backoff.DEFAULT,
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(120), PreloadOwner.DISPOOL));
        engine.start();
    }

    @Test
    void aTemplateThatQubesdPreloadsIsLeftToQubesd() {
        startManagedOnQubes();
        awaitReady(DEFAULT, 1);
        await().during(Duration.ofMillis(100)).until(() -> pool(WEB).preloads().isEmpty());
        assertEquals(0, pool(WEB).max());
        assertTrue(pool(WEB).warning().contains("qubesd preloads it itself"), pool(WEB).warning());
        sim.setFeature(WEB, "preload-dispvm", "");
        engine.setMax(WEB, "2");
        awaitReady(WEB, 2);
    }

    @Test
    void aTemplateWhoseDisposableSaysIsPreloadIsLeftToQubesd() {
        sim = host().feature(WEB, "preload-dispvm-max", "2").build();
        String qubesds = sim.createDisposable(WEB, java.util.Map.of());
        sim.setProperty(qubesds, "is_preload", "True");
        engine = new DispoolEngine(sim, new EngineSettings(Marks.prefixed("x-dispool-"), Backoff.DEFAULT,
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(120), PreloadOwner.DISPOOL));
        engine.start();
        await().until(() -> pool(WEB).warning() != null);
        assertTrue(pool(WEB).warning().contains(qubesds + " has is_preload=True"), pool(WEB).warning());
        await().during(Duration.ofMillis(100)).until(() -> pool(WEB).preloads().isEmpty());
        assertEquals(1, dispvmsOf(WEB).size(), "dispool never preloaded beside qubesd, not even at start");
    }
}
