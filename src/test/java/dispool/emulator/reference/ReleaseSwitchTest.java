package dispool.emulator.reference;

import static dispool.emulator.reference.ReferenceFixture.DVM;
import static dispool.emulator.reference.ReferenceFixture.TEMPLATE_VM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.QubesException;
import dispool.host.sim.SimHostBuilder;
import dispool.host.sim.SimOp;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The three rules where qubes-core-admin {@code main} differs from {@code release4.3}, in both positions of {@link Release}. */
class ReleaseSwitchTest {

    private static final String OTHER = "other-dvm";
    private static final String SESSION_RPC = "supported-rpc.qubes.WaitForSession";
    private ReferenceFixture f;

    private ReferenceFixture start(Release release, String max, UnaryOperator<SimHostBuilder> more) {
        f = new ReferenceFixture(release, max, more);
        return f;
    }

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    /** A GUI template with a late GUI daemon, told on the TemplateVM only (the chain is read), able to preload on main. */
    private static SimHostBuilder guiTemplate(SimHostBuilder b) {
        return b.feature(TEMPLATE_VM, "gui", "1").feature(TEMPLATE_VM, "supported-feature.late-gui-daemon", "1")
                .feature(TEMPLATE_VM, SESSION_RPC, "1");
    }

    /** Readiness calls made to fill a pool of two from a template with a {@code guivm}. */
    private long readinessCallsForTwo(Release release) {
        start(release, "2", ReleaseSwitchTest::guiTemplate).host.setProperty(DVM, "guivm", "sys-gui");
        f.qubesd.bootService();
        f.awaitPaused(DVM, 2);
        return f.host.calls(SimOp.RUN_SERVICE);
    }

    /** 83769864: on main a preload also waits for qubes.WaitForSession, gui and late-gui-daemon read through the template chain. */
    @Test
    void mainAlsoWaitsForTheSessionOfAGuiTemplateRelease43DoesNot() {
        assertEquals(2, readinessCallsForTwo(Release.R43), "WaitForRunningSystem only");
        f.close();
        assertEquals(4, readinessCallsForTwo(Release.MAIN), "WaitForRunningSystem and WaitForSession");
    }

    @Test
    void mainWaitsOnlyForTheRunningSystemWithoutAGuivm() {
        start(Release.MAIN, "2", ReleaseSwitchTest::guiTemplate).qubesd.bootService();
        f.awaitPaused(DVM, 2);
        assertEquals(2, f.host.calls(SimOp.RUN_SERVICE));
    }

    /** 83769864: main's supports_preload also asks for supported-rpc.qubes.WaitForSession. */
    @Test
    void mainRefusesToPreloadWithoutTheSessionRpcRelease43Preloads() {
        start(Release.MAIN, "1", b -> b);
        QubesException e = assertThrows(QubesException.class, f.qubesd::bootService);
        assertEquals("Qube does not support the RPC(s) 'qubes.WaitForSession' but tried to preload, check if template "
                + "is outdated", e.getMessage());
        f.close();
        start(Release.R43, "1", b -> b).qubesd.bootService();
        f.awaitPaused(DVM, 1);
    }

    /** 95895a4b: on main, being the system's default_dispvm refuses template_for_dispvms=False; release4.3 only drops the preloads. */
    @Test
    void mainRefusesTemplateForDispvmsFalseOnTheDefaultDispvm() {
        start(Release.MAIN, "1", ReleaseSwitchTest::guiTemplate).qubesd.bootService();
        f.awaitPaused(DVM, 1);
        QubesException e = assertThrows(QubesException.class, () -> f.qubesd.setProperty(DVM, "template_for_dispvms", "False"));
        assertTrue(e.is(PropertyHandlers.IN_USE) && e.getMessage().contains("in use by the system"), e.getMessage());
        assertEquals(1, f.listed(DVM).size(), "the preload stays");
        f.close();
        start(Release.R43, "1", b -> b).qubesd.bootService();
        f.awaitPaused(DVM, 1);
        f.qubesd.setProperty(DVM, "template_for_dispvms", "False");
        assertEquals(List.of(), f.listed(DVM));
    }

    /** 95895a4b: main counts qubes naming it (default_dispvm, template), not preloads. */
    @Test
    void mainRefusesTemplateForDispvmsFalseWhileAQubeNamesItButNotForItsPreloads() {
        start(Release.MAIN, "1", b -> guiTemplate(b).dvmTemplate(OTHER, 400).feature(OTHER, "preload-dispvm-max", "1")
                .defaultDispvm(DVM));
        f.qubesd.setGlobalProperty("default_dispvm", DVM);
        f.qubesd.bootService();
        f.qubesd.setGlobalProperty("default_dispvm", "");
        f.awaitPaused(OTHER, 1);
        f.host.setProperty(DVM, "default_dispvm", OTHER);
        QubesException named = assertThrows(QubesException.class,
                () -> f.qubesd.setProperty(OTHER, "template_for_dispvms", "False"));
        assertTrue(named.getMessage().contains("disposable template of a qube"), named.getMessage());
        f.host.setProperty(DVM, "default_dispvm", "");
        f.qubesd.setProperty(OTHER, "template_for_dispvms", "False");
        assertEquals(List.of(), f.listed(OTHER), "its own preloads did not count, and went");
    }

    /**
     * 95895a4b: main's setter refuses a default_dispvm that is no DVM template. (release4.3 takes
     * it, but the simulated host's own model refuses it for both, so only main's side is shown.)
     */
    @Test
    void mainRefusesADefaultDispvmWithoutTemplateForDispvms() {
        start(Release.MAIN, "0", b -> b).qubesd.setGlobalProperty("default_dispvm", "");
        f.qubesd.setProperty(DVM, "template_for_dispvms", "False");
        QubesException e = assertThrows(QubesException.class, () -> f.qubesd.setGlobalProperty("default_dispvm", DVM));
        assertTrue(e.is("QubesPropertyValueError"), "refused by the setter, before the host: " + e.type());
    }
}
