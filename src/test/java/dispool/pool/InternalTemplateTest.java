package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Qubes' use_preload drops {@code internal} only when the DVM template is not internal itself. */
class InternalTemplateTest extends EngineFixture {

    @Test
    void aDisposableOfAnInternalTemplateStaysInternalAfterTheHandOut() {
        start(host().feature(WEB, "internal", "1").feature(WEB, "preload-dispvm-max", "1").build());
        awaitReady(WEB, 1);
        HandOut h = handOut(WEB);
        await().until(() -> !listFeature(WEB).contains(h.name())
                && sim.feature(h.name(), "preload-dispvm-in-progress").isEmpty());
        assertEquals("1", sim.feature(h.name(), "internal").orElse(null), "inherited from the internal template");
    }

    @Test
    void aColdDisposableOfAnInternalTemplateInheritsIt() {
        start(host().feature(WEB, "internal", "1").build());
        HandOut h = handOut(WEB);
        assertEquals("1", sim.feature(h.name(), "internal").orElse(null));
    }
}
