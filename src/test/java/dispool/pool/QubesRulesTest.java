package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.sim.SimHost;
import dispool.host.sim.SimOp;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** dispool in both positions of {@link QubesRules}: release4.3's preload rules and main's (83769864). */
class QubesRulesTest extends EngineFixture {

    private static final String TEMPLATE_VM = "fedora-42-xfce";

    private void start(SimHost host, QubesRules rules) {
        sim = host;
        engine = new DispoolEngine(host, EngineSettings.defaults().withResyncInterval(Duration.ofSeconds(30)).withRules(rules));
        engine.start();
    }

    /** A GUI template with a late GUI daemon, told on the TemplateVM only, with the session RPC. */
    private SimHost guiHost() {
        return host().feature(TEMPLATE_VM, "gui", "1").feature(TEMPLATE_VM, QubesRules.LATE_GUI, "1")
                .feature(TEMPLATE_VM, PreloadSupport.SESSION_RPC, "1").build();
    }

    @Test
    void onMainAMaxWithoutTheSessionRpcIsRefusedNamingItOnR43ItIsTaken() {
        start(host().build(), QubesRules.MAIN);
        DispoolException e = assertThrows(DispoolException.class, () -> engine.setMax(WEB, "1"));
        assertTrue(e.getMessage().contains(PreloadSupport.SESSION_RPC), e.getMessage());
        engine.close();
        start(host().build(), QubesRules.R43);
        engine.setMax(WEB, "1");
        awaitReady(WEB, 1);
    }

    /** Readiness calls to fill two preloads of a template with a guivm, the GUI features read through the chain. */
    private long readinessCallsForTwo(QubesRules rules) {
        SimHost host = guiHost();
        host.setProperty(WEB, "guivm", "sys-gui");
        start(host, rules);
        engine.setMax(WEB, "2");
        awaitReady(WEB, 2);
        return sim.calls(SimOp.RUN_SERVICE);
    }

    @Test
    void onMainPreloadsOfAGuiTemplateAlsoWaitForTheSessionOnR43TheyDoNot() {
        assertEquals(2, readinessCallsForTwo(QubesRules.R43), "WaitForRunningSystem only");
        engine.close();
        assertEquals(4, readinessCallsForTwo(QubesRules.MAIN), "WaitForRunningSystem and WaitForSession");
    }

    @Test
    void onMainATemplateWithoutAGuivmWaitsForTheRunningSystemOnly() {
        start(guiHost(), QubesRules.MAIN);
        engine.setMax(WEB, "2");
        awaitReady(WEB, 2);
        assertEquals(2, sim.calls(SimOp.RUN_SERVICE));
    }
}
