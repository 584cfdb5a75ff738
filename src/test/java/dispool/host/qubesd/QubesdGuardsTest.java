package dispool.host.qubesd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.emulator.EmulatorServices;
import dispool.emulator.QubesdEmulator;
import dispool.emulator.QubesdEmulator.Release;
import dispool.host.Backoff;
import dispool.host.Clock;
import dispool.host.HostEvent;
import dispool.host.PowerState;
import dispool.host.QubeInfo;
import dispool.host.QubesException;
import dispool.host.sim.SimHost;
import dispool.pool.DispoolEngine;
import dispool.pool.EngineSettings;
import dispool.pool.Marks;
import dispool.pool.PreloadOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * qubesd's guards against dispool's paused preloads, as a user meets them with the qvm-* tools
 * (each Admin API call below is what the tool sends): on R4.2 each is refused while dispool's
 * preloads exist, with R4.2's exception and message, after the pre-event dispool can see; lowering
 * the pool's max to 0 clears the way. dispool also notices the pre-event and empties the pool itself,
 * so running the command again goes through. On R4.3 with native preloading, qubesd's preloads are exempt.
 * dispool over qubesd keeps real time: its hold after a refused command lasts 60 s, long enough
 * to run the command again here ({@code UserIntentsTest} checks the hold's end on the simulator's clock).
 */
class QubesdGuardsTest {

    private static final String TEMPLATE = "default-dvm";

    private record Fixture(QubesdEmulator emulator, QubesdHost client, List<HostEvent> events, DispoolEngine engine) {

        /** What clears the way: qvm-features default-dvm preload-dispvm-max 0 (or dispool set … 0) empties the pool. */
        void drain() {
            engine.setMax(TEMPLATE, "0");
            Awaitility.await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                    .until(() -> emulator.host().listQubes().stream().noneMatch(QubeInfo::isDispVm));
        }
    }

    private static void withTwoPreloads(Release release, Consumer<Fixture> test) throws IOException {
        SimHost sim = SimHost.builder().clock(Clock.scaled(200)).seed(7).netVm("sys-firewall")
                .dvmTemplate(TEMPLATE, 400).templateVm("debian-13-xfce").defaultDispvm(TEMPLATE).build();
        List<HostEvent> events = new CopyOnWriteArrayList<>();
        sim.events().subscribe().with(events::add);
        try (QubesdEmulator emulator = QubesdEmulator.serve(sim, Files.createTempDirectory("guards").resolve("q.sock"), release)) {
            SocketTransport t = new SocketTransport(emulator.socket(), Duration.ofSeconds(30));
            QubesdHost client = new QubesdHost(t, new EmulatorServices(t), MemorySource.NONE,
                    Backoff.doubling(Duration.ofMillis(20), Duration.ofMillis(200)));
            PreloadOwner owner = release == Release.R43_NATIVE ? PreloadOwner.HOST : PreloadOwner.DISPOOL;
            EngineSettings settings = new EngineSettings(Marks.prefixed("x-dispool-"), Backoff.DEFAULT, Duration.ofSeconds(30),
                    Duration.ofSeconds(10), Duration.ofSeconds(120), owner);
            try (DispoolEngine engine = new DispoolEngine(client, settings)) {
                engine.start();
                engine.setMax(TEMPLATE, "2");
                Awaitility.await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                        .until(() -> engine.pool(TEMPLATE).ready() == 2);
                test.accept(new Fixture(emulator, client, events, engine));
            }
        }
    }

    private static QubesException refused(QubesdHost client, String method, String arg, String dest, String payload) {
        return assertThrows(QubesException.class, () -> client.call(method, arg, dest, payload));
    }

    /** In qubesd's order (its domains by qid), as the simulator lists them. */
    private static String preloads(QubesdEmulator emulator) {
        return String.join(", ", emulator.host().listQubes().stream().filter(QubeInfo::isDispVm).map(QubeInfo::name).toList());
    }

    /** dispool saw the pre-event and removed its preloads: no disposable is left. */
    private static void dispoolDrained(Fixture f) {
        Awaitility.await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                .until(() -> f.emulator().host().listQubes().stream().noneMatch(QubeInfo::isDispVm));
    }

    private static void refilled(Fixture f) {
        Awaitility.await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                .until(() -> f.engine().pool(TEMPLATE).ready() == 2);
    }

    private static void sawBefore(List<HostEvent> events, String subject, String name) {
        Awaitility.await().atMost(5, TimeUnit.SECONDS)
                .until(() -> events.stream().anyMatch(e -> e.subject().equals(subject) && e.name().equals(name)));
    }

    /**
     * The user's call is refused with qubesd's exception and message, after the pre-event dispool
     * sees, and changes nothing ({@code unchanged} checks); once the pool is emptied by hand, the
     * same call goes through.
     */
    private static void refusedUntilDrained(Fixture f, String method, String arg, String dest, String payload,
            String type, String message, String eventSubject, String event, Runnable unchanged) {
        QubesException e = refused(f.client(), method, arg, dest, payload);
        assertEquals(type, e.type());
        assertEquals(message, e.getMessage());
        sawBefore(f.events(), eventSubject, event);
        unchanged.run();
        f.drain();
        f.client().call(method, arg, dest, payload);
    }

    @Test
    void r42RefusesQvmShutdownOfTheNetvmWhileDispoolsPreloadsAreConnected() throws IOException {
        withTwoPreloads(Release.R42, f -> {
            // qvm-shutdown sys-firewall
            refusedUntilDrained(f, "admin.vm.Shutdown", "", "sys-firewall", "", "QubesVMError",
                    "There are other VMs connected to this VM: " + preloads(f.emulator()), "sys-firewall", "domain-pre-shutdown",
                    () -> assertEquals(PowerState.Running, f.emulator().host().qube("sys-firewall").state()));
            sawBefore(f.events(), "sys-firewall", "domain-shutdown-failed");
            assertEquals(PowerState.Halted, f.emulator().host().qube("sys-firewall").state());
        });
    }

    @Test
    void r42RefusesChangingTheDvmTemplatesTemplateWhilePreloadsRun() throws IOException {
        withTwoPreloads(Release.R42, f -> {
            // qvm-prefs default-dvm template debian-13-xfce
            refusedUntilDrained(f, "admin.vm.property.Set", "template", TEMPLATE, "debian-13-xfce", QubesException.NOT_HALTED,
                    "Cannot change template while there are running DispVMs based on this DVM template", TEMPLATE,
                    "property-pre-set:template",
                    () -> assertEquals("fedora-42-xfce", f.emulator().host().property(TEMPLATE, "template")));
            assertEquals("debian-13-xfce", f.emulator().host().property(TEMPLATE, "template"));
        });
    }

    @Test
    void r42RefusesTemplateForDispvmsFalseWhilePreloadsExist() throws IOException {
        withTwoPreloads(Release.R42, f -> {
            // qvm-prefs default-dvm template_for_dispvms False
            refusedUntilDrained(f, "admin.vm.property.Set", "template_for_dispvms", TEMPLATE, "False", "QubesVMInUseError",
                    "Cannot change template_for_dispvms to False while there are some DispVMs based on this DVM template",
                    TEMPLATE, "property-pre-set:template_for_dispvms",
                    () -> assertEquals("True", f.emulator().host().property(TEMPLATE, "template_for_dispvms")));
            assertEquals("False", f.emulator().host().property(TEMPLATE, "template_for_dispvms"));
        });
    }

    @Test
    void r42RefusesResettingTemplateForDispvmsWhilePreloadsExist() throws IOException {
        withTwoPreloads(Release.R42, f -> {
            // qvm-prefs --default default-dvm template_for_dispvms
            QubesException e = refused(f.client(), "admin.vm.property.Reset", "template_for_dispvms", TEMPLATE, "");
            assertEquals("QubesVMInUseError", e.type());
            sawBefore(f.events(), TEMPLATE, "property-pre-reset:template_for_dispvms");
            sawBefore(f.events(), TEMPLATE, "property-pre-del:template_for_dispvms");
        });
    }

    @Test
    void r42RefusesRemovingTheDvmTemplateWhilePreloadsExist() throws IOException {
        withTwoPreloads(Release.R42, f -> {
            f.client().call("admin.property.Set", "default_dispvm", "dom0", ""); // not the global default_dispvm either
            // qvm-remove default-dvm
            refusedUntilDrained(f, "admin.vm.Remove", "", TEMPLATE, "", "QubesVMInUseError",
                    "Domain is in use: 'default-dvm';see 'journalctl -u qubesd -e' in dom0 for details", "", "domain-pre-delete",
                    () -> assertTrue(f.emulator().host().listQubes().stream().anyMatch(q -> q.name().equals(TEMPLATE))));
            assertTrue(f.emulator().host().listQubes().stream().noneMatch(q -> q.name().equals(TEMPLATE)));
        });
    }

    @Test
    void r43ExemptsQubesdsOwnPreloadsFromEveryGuard() throws IOException {
        withTwoPreloads(Release.R43_NATIVE, f -> {
            f.client().call("admin.vm.Shutdown", "", "sys-firewall", "");
            assertEquals(PowerState.Halted, f.emulator().host().qube("sys-firewall").state());
            f.client().call("admin.vm.property.Set", "template", TEMPLATE, "debian-13-xfce");
            assertEquals("debian-13-xfce", f.emulator().host().property(TEMPLATE, "template"));
            assertTrue(f.events().stream().anyMatch(e -> e.name().equals("property-pre-set:template")));
        });
    }

    @Test
    void dispoolNoticesATemplateChangeDrainsAndRefillsFromTheNewTemplate() throws IOException {
        withTwoPreloads(Release.R42, f -> {
            refused(f.client(), "admin.vm.property.Set", "template", TEMPLATE, "debian-13-xfce");
            dispoolDrained(f);
            f.client().call("admin.vm.property.Set", "template", TEMPLATE, "debian-13-xfce"); // the same command again
            refilled(f);
            assertEquals("debian-13-xfce", f.emulator().host().property(TEMPLATE, "template"));
        });
    }

    @Test
    void dispoolNoticesTheNetvmShuttingDownAndRefillsOnlyWhenItStartsAgain() throws IOException {
        withTwoPreloads(Release.R42, f -> {
            refused(f.client(), "admin.vm.Shutdown", "", "sys-firewall", "");
            dispoolDrained(f);
            f.client().call("admin.vm.Shutdown", "", "sys-firewall", "");
            assertEquals(PowerState.Halted, f.emulator().host().qube("sys-firewall").state());
            assertEquals(0, f.engine().pool(TEMPLATE).ready(), "no preload restarts sys-firewall behind the user's back");
            f.client().call("admin.vm.Start", "", "sys-firewall", "");
            refilled(f);
        });
    }

    @Test
    void dispoolNoticesTemplateForDispvmsOffAndRemoval() throws IOException {
        withTwoPreloads(Release.R42, f -> {
            refused(f.client(), "admin.vm.property.Set", "template_for_dispvms", TEMPLATE, "False");
            dispoolDrained(f);
            f.client().call("admin.vm.property.Set", "template_for_dispvms", TEMPLATE, "False");
            f.client().call("admin.property.Set", "default_dispvm", "dom0", "");
            f.client().call("admin.vm.Remove", "", TEMPLATE, "");
            assertTrue(f.emulator().host().listQubes().stream().noneMatch(q -> q.name().equals(TEMPLATE) || q.isDispVm()));
        });
    }
}
