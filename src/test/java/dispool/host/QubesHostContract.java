package dispool.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What every {@link QubesHost} adapter must do, written against the interface only. A subclass
 * provides a host with this fixture: dom0; a TemplateVM {@code contract-tpl}; a DVM template
 * {@code contract-dvm} (memory 400, {@code supported-rpc.qubes.WaitForRunningSystem=1});
 * the global {@code default_dispvm} = {@code contract-dvm}; at least 2000 MiB available.
 */
public abstract class QubesHostContract {

    protected static final String DVM = "contract-dvm";
    protected static final String TPL = "contract-tpl";

    protected abstract QubesHost host();

    /**
     * Changes a template's content as an update does (a TemplateVM's root, a DVM template's
     * private) and fires its {@code domain-shutdown}. A host that cannot do so skips the test
     * that needs it.
     */
    protected void updateTemplate(String qube) {
        Assumptions.abort("this host cannot simulate a template update");
    }

    private QubesException refused(String type, Runnable call) {
        QubesException e = assertThrows(QubesException.class, call::run);
        assertEquals(type, e.type(), e.toString());
        return e;
    }

    private static List<String> eventsOf(AssertSubscriber<HostEvent> events, String qube) {
        return events.getItems().stream().filter(e -> qube.equals(e.subject()) || qube.equals(e.kwarg("vm")))
                .map(HostEvent::name).toList();
    }

    @Test
    void dom0IsListedFirstAsTheAdminVm() {
        QubeInfo first = host().listQubes().get(0);
        assertEquals(new QubeInfo("dom0", "AdminVM", PowerState.Running), first);
        assertEquals(DVM, host().globalProperty("default_dispvm"));
        assertEquals("True", host().property(DVM, "template_for_dispvms"));
    }

    @Test
    void unknownQubesAndPropertiesAreRefusedWithQubesTypes() {
        refused(QubesException.VM_NOT_FOUND, () -> host().qube("no-such-qube"));
        refused(QubesException.VM_NOT_FOUND, () -> host().feature("no-such-qube", "x"));
        refused(QubesException.NO_SUCH_PROPERTY, () -> host().property(DVM, "no_such_property"));
    }

    @Test
    void featuresAreSetReadRemovedAndAnnounced() {
        AssertSubscriber<HostEvent> events = host().events().subscribe().withSubscriber(AssertSubscriber.create(100));
        host().setFeature(DVM, "x-contract", "one");
        assertEquals("one", host().feature(DVM, "x-contract").orElseThrow());
        host().removeFeature(DVM, "x-contract");
        assertTrue(host().feature(DVM, "x-contract").isEmpty());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.getItems().size() >= 3);
        List<HostEvent> got = events.getItems();
        assertEquals(HostEvent.CONNECTION_ESTABLISHED, got.get(0).name());
        assertEquals(HostEvent.of(DVM, "domain-feature-set:x-contract", "feature", "x-contract", "value", "one"), got.get(1));
        assertEquals("domain-feature-delete:x-contract", got.get(2).name());
        events.cancel();
    }

    @Test
    void invalidPreloadMaxIsRefusedAndNothingChanges() {
        refused(QubesException.VALUE_ERROR, () -> host().setFeature(DVM, "preload-dispvm-max", "-1"));
        assertTrue(host().feature(DVM, "preload-dispvm-max").isEmpty());
    }

    @Test
    void onlyDvmTemplatesMakeDisposables() {
        refused(QubesException.GENERIC, () -> host().createDisposable(TPL, Map.of()));
    }

    @Test
    void aDisposableLivesAndVanishes() {
        AssertSubscriber<HostEvent> events = host().events().subscribe().withSubscriber(AssertSubscriber.create(1000));
        String name = host().createDisposable(DVM, Map.of("x-mark", "1"));
        assertTrue(name.matches("disp[0-9]+"), name);
        assertEquals(new QubeInfo(name, "DispVM", PowerState.Halted), host().qube(name));
        assertEquals("1", host().feature(name, "x-mark").orElseThrow());
        assertEquals(DVM, host().property(name, "template"));
        long before = host().availableMemory().orElse(0);

        host().start(name);
        assertEquals(PowerState.Running, host().qube(name).state());
        assertEquals(0, host().runService(name, "qubes.WaitForRunningSystem", Duration.ofSeconds(60)).exitStatus());
        host().availableMemory().ifPresent(now -> assertTrue(now < before, "a running qube takes memory"));
        host().pause(name);
        assertEquals(PowerState.Paused, host().qube(name).state());
        refused(QubesException.NOT_RUNNING, () -> host().runService(name, "qubes.WaitForRunningSystem", Duration.ofSeconds(5)));
        host().unpause(name);
        refused(QubesException.NOT_PAUSED, () -> host().unpause(name));
        host().kill(name);
        refused(QubesException.VM_NOT_FOUND, () -> host().qube(name));

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> eventsOf(events, name).contains("domain-delete"));
        List<String> mine = eventsOf(events, name);
        assertEquals("domain-add", mine.get(0));
        assertTrue(mine.indexOf("domain-unpaused") < mine.indexOf("domain-start"), "every start fires domain-unpaused first: " + mine);
        assertTrue(mine.contains("domain-paused") && mine.contains("domain-shutdown"), mine.toString());
        assertEquals("domain-delete", mine.get(mine.size() - 1));
        events.cancel();
    }

    /**
     * {@code admin.vm.CurrentState}'s {@code mem}: what a running or paused qube holds, in KiB (at
     * most its {@code maxmem}, or its {@code memory} where it has no balancing), 0 once it stops.
     */
    @Test
    void aRunningOrPausedQubeReportsTheMemoryItHolds() {
        String name = host().createDisposable(DVM, Map.of());
        assertEquals(0, host().currentMemoryKiB(name), "a halted qube holds nothing");
        host().start(name);
        long running = host().currentMemoryKiB(name);
        long maxmem = Math.max(Long.parseLong(host().property(DVM, "memory")), maxmem(name)) * 1024;
        assertTrue(running > 0 && running <= maxmem, running + " KiB running, max " + maxmem);
        host().pause(name);
        long paused = host().currentMemoryKiB(name);
        assertTrue(paused > 0 && paused <= maxmem, paused + " KiB paused, max " + maxmem);
        host().kill(name);
        refused(QubesException.VM_NOT_FOUND, () -> host().currentMemoryKiB(name));
        refused(QubesException.VM_NOT_FOUND, () -> host().currentMemoryKiB("no-such-qube"));
    }

    private long maxmem(String qube) {
        try {
            return Long.parseLong(host().property(qube, "maxmem"));
        } catch (QubesException e) {
            return 0; // a host without memory balancing has no maxmem
        }
    }

    @Test
    void aTemplateUpdateMakesRunningDisposablesOutdated() {
        AssertSubscriber<HostEvent> events = host().events().subscribe().withSubscriber(AssertSubscriber.create(1000));
        VolumeInfo dvmPrivate = host().volume(DVM, "private");
        assertTrue(dvmPrivate.size() > 0 && !dvmPrivate.outdated(), dvmPrivate.toString());
        String name = host().createDisposable(DVM, Map.of());
        host().start(name);
        assertEquals(new VolumeInfo(dvmPrivate.size(), false), host().volume(name, "private"));
        assertFalse(host().volume(name, "root").outdated());

        updateTemplate(TPL);
        assertTrue(host().volume(name, "root").outdated(), "root after the TemplateVM's update");
        assertFalse(host().volume(name, "private").outdated(), "private after the TemplateVM's update");
        updateTemplate(DVM);
        assertTrue(host().volume(name, "private").outdated(), "private after the DVM template's private changed");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> eventsOf(events, TPL).contains("domain-shutdown")
                && eventsOf(events, DVM).contains("domain-shutdown"));

        String fresh = host().createDisposable(DVM, Map.of());
        host().start(fresh);
        assertFalse(host().volume(fresh, "root").outdated() || host().volume(fresh, "private").outdated(),
                "a disposable started after the update snapshots the new content");
        host().kill(name);
        host().kill(fresh);
        events.cancel();
    }
}
