package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.QubesException;
import org.junit.jupiter.api.Test;

/** Qubes refuses preload-dispvm-max on a template without qrexec or the readiness RPC; so does dispool. */
class PreloadSupportTest extends EngineFixture {

    private static final String RPC = "supported-rpc.qubes.WaitForRunningSystem";

    @Test
    void aMaxWithoutTheReadinessRpcIsRefusedNamingTheFeature() {
        start(host().build());
        sim.removeFeature(WEB, RPC);
        DispoolException e = assertThrows(DispoolException.class, () -> engine.setMax(WEB, "2"));
        assertEquals(DispoolException.Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains(RPC) && e.getMessage().contains(WEB), e.getMessage());
        assertTrue(sim.feature(WEB, "preload-dispvm-max").isEmpty());
        assertThrows(DispoolException.class, () -> engine.setMax(WEB, "0"), "qubesd refuses every value, 0 included");
        engine.unsetMax(WEB);
    }

    @Test
    void theRpcOfTheTemplateVmCounts() {
        start(host().build());
        sim.removeFeature(WEB, RPC);
        sim.setFeature("fedora-42-xfce", RPC, "1");
        engine.setMax(WEB, "1");
        awaitReady(WEB, 1);
    }

    @Test
    void theSimulatorRefusesItAsQubesdDoes() {
        start(host().build());
        sim.removeFeature(WEB, "qrexec");
        QubesException e = assertThrows(QubesException.class, () -> sim.setFeature(WEB, "preload-dispvm-max", "1"));
        assertEquals(QubesException.VALUE_ERROR, e.type());
        assertEquals("Qube does not support qrexec", e.getMessage());
    }

    @Test
    void aPoolWhoseTemplateLostTheRpcPreloadsNothingAndSaysWhy() {
        start(host().feature(WEB, "preload-dispvm-max", "2").build());
        awaitReady(WEB, 2);
        sim.removeFeature(WEB, RPC); // as after a downgrade of the template's agent; the resync notices
        await().until(() -> pool(WEB).warning() != null);
        assertTrue(pool(WEB).warning().contains(RPC), pool(WEB).warning());
        assertEquals(0, pool(WEB).max());
        awaitReady(WEB, 0);
    }
}
