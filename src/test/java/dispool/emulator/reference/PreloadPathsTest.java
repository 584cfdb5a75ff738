package dispool.emulator.reference;

import static dispool.emulator.reference.ReferenceFixture.DVM;
import static dispool.emulator.reference.ReferenceFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.HostEvent;
import dispool.host.PowerState;
import dispool.host.QubesException;
import dispool.host.sim.SimHostBuilder;
import dispool.host.sim.SimOp;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reference on the preload paths where it used to depart from qubes-core-admin
 * {@code release4.3} (issue 22): each test names the upstream handler it follows and fails on
 * the port as it was before.
 */
class PreloadPathsTest {

    private static final String OTHER = "other-dvm";
    private ReferenceFixture f;

    private ReferenceFixture start(String max, UnaryOperator<SimHostBuilder> more) {
        f = new ReferenceFixture(Release.R43, max, more);
        return f;
    }

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    /** {@code __on_pre_set_dvmtemplate}: remove_preload_excess(0) before the change. */
    @Test
    void templateForDispvmsFalseRemovesThePausedPreloads() {
        start("2", b -> b).qubesd.bootService();
        f.awaitPaused(DVM, 2);
        List<String> before = f.listed(DVM);
        f.qubesd.setProperty(DVM, "template_for_dispvms", "False");
        assertEquals(List.of(), f.listed(DVM), "gone from the list before the change returns");
        await().until(() -> before.stream().noneMatch(f::exists));
        assertTrue(f.reasons().stream().allMatch("template_for_dispvms was set to False"::equals), f.reasons().toString());
    }

    /** {@code __on_pre_set_dvmtemplate} on release4.3: an ordinary disposable of it refuses the change. */
    @Test
    void templateForDispvmsFalseIsRefusedWhileAnOrdinaryDisposableOfItExists() {
        start("1", b -> b).qubesd.bootService();
        f.awaitPaused(DVM, 1);
        String handedOut = f.qubesd.createDisposable(DVM).name();
        QubesException e = assertThrows(QubesException.class, () -> f.qubesd.setProperty(DVM, "template_for_dispvms", "False"));
        assertTrue(e.is(PropertyHandlers.IN_USE), e.type());
        assertEquals("True", f.host.property(DVM, "template_for_dispvms"));
        assertTrue(f.exists(handedOut));
    }

    /** {@code __on_set_dvmtemplate}: turned on again, it refills. */
    @Test
    void templateForDispvmsTrueRefills() {
        start("2", b -> b).qubesd.bootService();
        f.awaitPaused(DVM, 2);
        f.qubesd.setProperty(DVM, "template_for_dispvms", "False");
        f.qubesd.setProperty(DVM, "template_for_dispvms", "True");
        f.awaitPaused(DVM, 2);
    }

    /**
     * {@code __on_pre_property_set_template}: the preloads go in the pre-set, so a request right
     * after the change gets no preload made from the old TemplateVM; the set handler refills.
     */
    @Test
    void aTemplateChangeDropsEveryPreloadBeforeTheChangeSoNoRequestGetsAnOldOne() {
        start("2", b -> b.templateVm("debian-13")).qubesd.bootService();
        f.awaitPaused(DVM, 2);
        List<String> old = f.listed(DVM);
        f.qubesd.setProperty(DVM, "template", "debian-13");
        assertEquals(List.of(), f.listed(DVM));
        QubesdPreloading.Disposable d = f.qubesd.createDisposable(DVM);
        assertFalse(old.contains(d.name()), d + " was made from the old TemplateVM");
        f.awaitPaused(DVM, 2);
        assertTrue(f.listed(DVM).stream().noneMatch(old::contains));
        assertTrue(f.reasons().containsAll(List.of("template will change")), f.reasons().toString());
    }

    /** {@code __on_pre_property_set_template}: refused while an ordinary disposable of it runs. */
    @Test
    void aTemplateChangeIsRefusedWhileAnOrdinaryDisposableRuns() {
        start("1", b -> b.templateVm("debian-13")).qubesd.bootService();
        f.awaitPaused(DVM, 1);
        f.qubesd.createDisposable(DVM);
        QubesException e = assertThrows(QubesException.class, () -> f.qubesd.setProperty(DVM, "template", "debian-13"));
        assertTrue(e.is(PropertyHandlers.IN_USE), e.type());
        assertEquals(ReferenceFixture.TEMPLATE_VM, f.host.property(DVM, "template"));
    }

    /**
     * {@code Qubes.on_property_set_default_dispvm} also handles {@code property-reset}: the new
     * value is then read from the property. Here the default moved from {@link #OTHER} to
     * {@link ReferenceFixture#DVM}, whose own max (0) differs from the global one (2).
     */
    @Test
    void aResetOfDefaultDispvmRefillsTheTemplateThatIsTheDefaultNow() {
        start("0", b -> b.dvmTemplate(OTHER, 400).feature("dom0", "preload-dispvm-max", "2"));
        assertEquals(List.of(), f.listed(DVM), "no boot service ran");
        f.host.replayEvent(HostEvent.of("", "property-reset:default_dispvm", "name", "default_dispvm", "oldvalue", OTHER));
        f.awaitPaused(DVM, 2);
    }

    /** {@code DispVM.from_appvm}: only get_preload's timeout goes cold; a failed unpause is the caller's error. */
    @Test
    void anErrorOfGetPreloadReachesTheCallerInsteadOfAColdStart() {
        start("1", b -> b).qubesd.bootService();
        f.awaitPaused(DVM, 1);
        long disposables = f.host.listQubes().stream().filter(q -> q.isDispVm()).count();
        f.host.faults().fail(SimOp.UNPAUSE, 1.0);
        assertThrows(QubesException.class, () -> f.qubesd.createDisposable(DVM));
        assertEquals(disposables, f.host.listQubes().stream().filter(q -> q.isDispVm()).count(), "no cold start");
    }

    /** linux/aux-tools/preload-dispvm: one CreateDisposable+preload per template, gathered. */
    @Test
    void theBootServiceFillsEveryTemplateAtOnce() throws Exception {
        start("1", b -> b.dvmTemplate(OTHER, 400).feature(OTHER, "preload-dispvm-max", "1"));
        f.host.faults().hang(SimOp.START);
        Thread boot = new Thread(f.qubesd::bootService);
        boot.setDaemon(true); // a sequential boot service would hang here
        boot.start();
        await().until(() -> f.listed(DVM).size() == 1 && f.listed(OTHER).size() == 1);
        f.host.faults().release(SimOp.START);
        boot.join();
        f.awaitPaused(DVM, 1);
        f.awaitPaused(OTHER, 1);
    }

    /** {@code admin.vm.CreateDisposable+preload} has no check of its own: with max 0 it returns quietly. */
    @Test
    void aPreloadRequestForAQubeThatIsNoDvmTemplateReturnsQuietlyWithMaxZero() {
        start("0", b -> b).qubesd.setProperty(DVM, "template_for_dispvms", "False");
        f.qubesd.preloadRequested(DVM);
        f.host.setFeature(DVM, "preload-dispvm-max", "1");
        QubesException e = assertThrows(QubesException.class, () -> f.qubesd.preloadRequested(DVM));
        assertTrue(e.getMessage().contains("template_for_dispvms=False"), e.getMessage());
    }

    /**
     * {@code DispVM.start} after the revert of {@code cleanup(force=True)} (PR #879, #10928): a
     * preload whose start failed before it ran stays halted and listed; the next request waits
     * out 1.2 × {@code qrexec_timeout} for it, then goes cold, and the qube stays on disk.
     */
    @Test
    void aPreloadThatFailedToStartStaysListedAndTheNextRequestWaitsItOut() {
        start("1", b -> b);
        f.host.availableMemoryFigure(false);
        f.host.memoryTakenByOthers(1_000_000);
        assertThrows(RuntimeException.class, f.qubesd::bootService);
        String failed = f.listed(DVM).get(0);
        assertEquals(PowerState.Halted, f.host.qube(failed).state());
        f.host.memoryTakenByOthers(0);
        long before = f.host.clock().nanos();
        QubesdPreloading.Disposable d = f.qubesd.createDisposable(DVM);
        assertFalse(d.preloaded());
        assertTrue(f.host.clock().nanos() - before >= 72_000_000_000L, "waited 1.2 × 60 s of host time");
        assertTrue(f.exists(failed), "cleanup() without force leaves a halted auto-cleanup disposable");
    }
}
