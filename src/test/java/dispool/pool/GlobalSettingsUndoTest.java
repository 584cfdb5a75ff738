package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.QubesException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The global settings are written together: when the host refuses one write, the ones before it
 * are set back, and the caller hears the host's refusal and what was set back.
 */
class GlobalSettingsUndoTest extends EngineFixture {

    @Test
    void aRefusedDefaultDispvmSetsBackTheKnobsWrittenBeforeIt() {
        sim = host().feature("dom0", "preload-dispvm-threshold", "500").build();
        engine = new DispoolEngine(InterceptedHost.of(sim, "setGlobalProperty", args -> {
            throw new QubesException(QubesException.GENERIC, "simulated: qubesd refused " + args[0]);
        }), EngineSettings.defaults().withResyncInterval(Duration.ofSeconds(30)));
        engine.start();

        DispoolException e = assertThrows(DispoolException.class,
                () -> engine.updateGlobalSettings("3", false, "900", "2.5", WEB));
        assertEquals(DispoolException.Kind.HOST_ERROR, e.kind(), "the host's refusal, the engine's own at its boundary");
        assertEquals(QubesException.GENERIC, e.hostType());
        assertTrue(e.getMessage().contains("set back: dom0 preload-dispvm-delay, dom0 preload-dispvm-threshold, "
                + "dom0 preload-dispvm-max"), e.getMessage());
        assertEquals(Optional.empty(), sim.feature("dom0", "preload-dispvm-max"), "was unset: removed again");
        assertEquals(Optional.of("500"), sim.feature("dom0", "preload-dispvm-threshold"), "its old value again");
        assertEquals(Optional.empty(), sim.feature("dom0", "preload-dispvm-delay"));
        assertEquals(DEFAULT, sim.globalProperty("default_dispvm"));
    }
}
