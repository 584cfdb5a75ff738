package dispool.deploy;

import dispool.host.Backoff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.emulator.EmulatorServices;
import dispool.emulator.QubesdEmulator;
import dispool.host.Clock;
import dispool.host.HostEvent;
import dispool.host.sim.SimHost;
import dispool.host.qubesd.EventStream;
import dispool.host.qubesd.FakeQrexecClientVm;
import dispool.host.qubesd.MemoryBudget;
import dispool.host.qubesd.QrexecTransport;
import dispool.host.qubesd.QubesdHost;
import dispool.pool.DispoolEngine;
import dispool.pool.EngineSettings;
import dispool.pool.HandOut;
import dispool.pool.Marks;
import dispool.pool.PoolView;
import dispool.pool.PreloadOwner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped qrexec policy (deploy/qubes-policy/) against what dispool in a management qube
 * really sends. A realistic run (fill, hand out, refill, knob changes, a template update,
 * suspend/resume, a restart that adopts the paused preloads, a removal) goes through the
 * management-qube transport ({@link QrexecTransport} and a fake {@code qrexec-client-vm} in
 * front of the qubesd emulator); {@link AdminCallLog} records every call where it leaves the
 * engine, and {@link QrexecPolicy} evaluates each against the files as dom0's qrexec would:
 * every one must be allowed (a denied call fails in the run, as qrexec refuses it, so the pool
 * fills, hands out and removes through the shipped policy). Events are filtered by qubesd per event with the same policy
 * ({@code admin.Events +EVENT} to the event's qube, qubes/ext/admin.py); those the engine acts on
 * must pass. Then a must-deny list: global GUI features, {@code default_dispvm}, a user's own
 * disposable of a tagged DVM template, lifecycle calls on qubes dispool did not create.
 *
 * <p>An IT (verify phase): every call spawns the fake client, so the run takes a minute or two.
 */
class ManagementQubePolicyIT {

    static final String MGMT = "dispool-mgmt";
    static final String TPL = "fedora-42";
    static final String WEB = "web-dvm";
    /** A DVM template the user did not give to dispool (no tag). */
    static final String OTHER_DVM = "user-dvm";
    static final String TAG = "dispool-dvm";

    private static final List<AdminCallLog.Entry> RECORDED = new ArrayList<>();
    private static final List<AdminCallLog.Entry> EVENTS = new ArrayList<>();
    private static Map<String, QrexecPolicy.Qube> finalSystem;
    private static String userDisposable;
    private static QrexecPolicy policy;

    @BeforeAll
    static void recordARun() throws Exception {
        policy = QrexecPolicy.load(Path.of("deploy/qubes-policy"));
        SimHost sim = SimHost.builder().clock(Clock.scaled(200)).seed(7).totalMemoryMiB(16000).dom0MemoryMiB(4000)
                .templateVm(TPL).dvmTemplate(WEB, 400, TPL, 1.0).dvmTemplate(OTHER_DVM, 400, TPL, 1.0)
                .defaultDispvm(OTHER_DVM).feature(WEB, "preload-dispvm-max", "2").build();
        Path dir = Files.createTempDirectory("mgmt-policy");
        try (QubesdEmulator emulator = FakeQrexecClientVm.serve(sim, dir, MGMT)) {
            QrexecTransport qrexec = new QrexecTransport(FakeQrexecClientVm.client(dir).toString(), Duration.ofSeconds(30));
            AdminCallLog log = new AdminCallLog(qrexec, sim, MGMT, policy);
            log.tag(WEB, TAG);
            List<AdminCallLog.Entry> events = new CopyOnWriteArrayList<>();
            // each event with the qubes as they are when qubesd filters it (a deleted qube is gone)
            var sub = sim.events().subscribe().with(e -> events.add(eventEntry(e, log)), f -> { });
            run(sim, log);
            sub.cancel();
            RECORDED.addAll(log.entries());
            EVENTS.addAll(events);
            // qubesd's tags for a disposable the user started himself (qvm-run --dispvm=web-dvm from dom0)
            userDisposable = sim.createDisposable(WEB, Map.of());
            log.createdBy(userDisposable, "dom0");
            finalSystem = log.system();
        }
    }

    /** The run: every engine path that talks to qubesd in a management qube's day. */
    private static void run(SimHost sim, AdminCallLog log) {
        DispoolEngine engine = engine(log);
        try {
            awaitReady(engine, 2);
            HandOut first = engine.handOut(WEB).await().atMost(Duration.ofSeconds(30));
            awaitReady(engine, 2); // refilled
            engine.setMax(WEB, "3");
            engine.setPolicy(WEB, "adaptive"); // sized to demand: back to qubes' rule before counting
            engine.updateGlobalSettings(null, false, "500", "1", null);
            engine.setPolicy(WEB, "qubes");
            awaitReady(engine, 3);
            engine.setMax(WEB, "2");
            awaitReady(engine, 2);
            Set<String> before = names(engine);
            sim.updateTemplate(TPL); // a template update ends with the TemplateVM's shutdown
            await().until(() -> engine.pool(WEB).ready() == 2 && names(engine).stream().noneMatch(before::contains));
            engine.suspend().await().atMost(Duration.ofSeconds(30));
            engine.resume();
            awaitReady(engine, 2);
            engine.removeDisposable(first.name()).await().atMost(Duration.ofSeconds(30));
        } finally {
            engine.close();
        }
        DispoolEngine restarted = engine(log); // adopts the paused preloads the first one left
        try {
            awaitReady(restarted, 2);
            HandOut second = restarted.handOut(WEB).await().atMost(Duration.ofSeconds(30));
            restarted.removeDisposable(second.name()).await().atMost(Duration.ofSeconds(30));
            restarted.unsetMax(WEB);
            await().until(() -> restarted.pool(WEB).preloads().isEmpty());
        } finally {
            restarted.close();
        }
    }

    private static DispoolEngine engine(AdminCallLog log) {
        QubesdHost host = new QubesdHost(log, new EmulatorServices(log), new MemoryBudget(8000),
                Backoff.doubling(Duration.ofMillis(20), Duration.ofMillis(200)));
        EngineSettings d = EngineSettings.defaults();
        // as EngineProducer on a qubesd host: dispool's marks under the x-dispool- prefix
        DispoolEngine engine = new DispoolEngine(host, new EngineSettings(Marks.prefixed("x-dispool-"), d.backoff(),
                Duration.ofSeconds(60), d.memoryRetry(), d.suspendTimeout(), PreloadOwner.DISPOOL));
        engine.start();
        return engine;
    }

    private static void awaitReady(DispoolEngine engine, int ready) {
        await().until(() -> {
            PoolView p = engine.pool(WEB);
            return p.ready() == ready && p.starting() == 0 && p.preloads().size() == ready;
        });
    }

    private static Set<String> names(DispoolEngine engine) {
        Set<String> out = new TreeSet<>();
        engine.pool(WEB).preloads().forEach(p -> out.add(p.name()));
        return out;
    }

    private static ConditionFactory await() {
        return Awaitility.await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20));
    }

    /**
     * The event with the qubes as qubesd knows them when it filters it: the simulator fires
     * domain-shutdown after an auto-cleanup disposable is gone, qubesd fires it before (the
     * removal is one of its handlers), so the disposable is taken as last seen.
     */
    private static AdminCallLog.Entry eventEntry(HostEvent e, AdminCallLog log) {
        QrexecPolicy.Request r = eventRequest(e);
        Map<String, QrexecPolicy.Qube> system = new HashMap<>(log.system());
        QrexecPolicy.Qube last = log.lastKnown(r.target());
        if (e.name().equals("domain-shutdown") && !system.containsKey(r.target()) && last != null) {
            system.put(r.target(), last);
        }
        return new AdminCallLog.Entry(r, system);
    }

    /** How qubesd asks the policy about one event for a subscriber (qubes/ext/admin.py admin_events). */
    private static QrexecPolicy.Request eventRequest(HostEvent e) {
        String dest = !e.subject().isEmpty() ? e.subject() : e.kwargs().containsKey("vm") ? e.kwarg("vm") : "@adminvm";
        return new QrexecPolicy.Request("admin.Events", "+" + e.name().replace(':', '_'), MGMT, dest);
    }

    // ------------------------------------------------------------------ the recorded calls

    @Test
    void everyRecordedCallIsAllowed() {
        List<String> denied = new ArrayList<>();
        for (AdminCallLog.Entry e : RECORDED) {
            QrexecPolicy.Decision d = policy.evaluate(e.request(), e.system());
            if (!d.allowed()) {
                denied.add(e.request() + ": " + d.verdict() + " (" + d.rule() + ")");
            }
        }
        System.out.printf("management-qube run: %d calls recorded, %d distinct shapes, %d denied%n",
                RECORDED.size(), AdminCallLog.shapes(RECORDED).size(), denied.size());
        AdminCallLog.shapes(RECORDED).stream().sorted().forEach(s -> System.out.println("  " + s));
        assertTrue(RECORDED.size() > 100, "a realistic run makes many calls: " + RECORDED.size());
        assertEquals(List.of(), denied.stream().distinct().toList());
    }

    @Test
    void theRunUsedEveryPathItClaims() {
        Set<String> methods = new TreeSet<>();
        RECORDED.forEach(e -> methods.add(e.request().service()));
        assertTrue(methods.containsAll(Set.of("admin.vm.Create.DispVM", "admin.vm.Start", "admin.vm.Pause",
                "admin.vm.Unpause", "admin.vm.Kill", "admin.vm.feature.Set", "admin.vm.feature.CheckWithTemplate",
                "admin.Events", "qubes.WaitForRunningSystem", "admin.vm.CurrentState")), methods.toString());
        assertFalse(RECORDED.stream().anyMatch(e -> e.request().target().equals(TPL)),
                "no call names the TemplateVM: its features come through CheckWithTemplate on the DVM template");
    }

    /** Events about the qubes the engine watches reach it; the TemplateVM's shutdown included. */
    @Test
    void theEventsTheEngineActsOnPassTheFilter() {
        List<String> filtered = new ArrayList<>();
        for (AdminCallLog.Entry e : EVENTS) {
            if (engineActsOn(e.request()) && !policy.evaluate(e.request(), e.system()).allowed()) {
                filtered.add(e.request().toString());
            }
        }
        assertEquals(List.of(), filtered.stream().distinct().toList());
        assertTrue(EVENTS.stream().anyMatch(e -> e.request().target().equals(TPL)
                && e.request().argument().equals("+domain-shutdown") && policy.evaluate(e.request(), e.system()).allowed()));
    }

    /** HostEventRouter's events: knob features, properties, add/delete, unpause, shutdown of its qubes. */
    private static boolean engineActsOn(QrexecPolicy.Request r) {
        String event = r.argument().substring(1);
        boolean knob = event.matches("domain-feature-(set|delete)_(preload-dispvm-(max|threshold|delay)|x-dispool-policy)");
        boolean ownDisposable = r.target().startsWith("disp") && !r.target().equals(userDisposable);
        // domain-add and domain-delete of a disposable never pass: qubesd tags it created-by only
        // after adding it, and filters domain-delete once it is gone (the engine needs neither:
        // domain-shutdown comes first, and the resync re-lists)
        return switch (r.target()) {
            case "@adminvm" -> event.startsWith("property-") && event.endsWith("_default_dispvm");
            case "dom0" -> knob;
            case WEB -> knob || event.startsWith("property-") || event.equals("domain-shutdown");
            case TPL -> event.equals("domain-shutdown");
            default -> ownDisposable && Set.of("domain-unpaused", "domain-shutdown").contains(event);
        };
    }

    // ------------------------------------------------------------------ what must stay denied

    @Test
    void globalGuiFeaturesAndDefaultDispvmAreDenied() {
        for (String feature : List.of("gui-default-allow-fullscreen", "gui-default-override-redirect-protection",
                "gui-default-secure-copy-sequence", "preload-dispvm", "internal")) {
            assertDenied("admin.vm.feature.Set", feature, "dom0");
            assertDenied("admin.vm.feature.Remove", feature, "dom0");
        }
        assertDenied("admin.property.Set", "default_dispvm", "dom0");
        assertDenied("admin.property.Set", "default_netvm", "dom0");
        for (String feature : List.of("gui-allow-fullscreen", "internal", "qrexec", "supported-rpc.qubes.WaitForRunningSystem")) {
            assertDenied("admin.vm.feature.Set", feature, WEB);
        }
        assertDenied("admin.vm.property.Set", "netvm", WEB);
        assertDenied("admin.vm.feature.Set", "preload-dispvm-max", OTHER_DVM);
        assertDenied("admin.vm.CreateDisposable", "", OTHER_DVM);
        assertDenied("admin.vm.Create.DispVM", OTHER_DVM, "dom0");
        assertDenied("admin.vm.Create.AppVM", TPL, "dom0");
        assertDenied("admin.vm.property.Set", "auto_cleanup", WEB);
    }

    /** The user's own disposable of web-dvm inherits web-dvm's tag, but nothing dispool may do to its own applies. */
    @Test
    void aUsersDisposableOfATaggedTemplateIsOutOfReach() {
        assertTrue(finalSystem.get(userDisposable).tags().contains(TAG), "qubesd copies the DVM template's tags");
        Set<String> ownShapes = new TreeSet<>();
        RECORDED.stream().filter(ManagementQubePolicyIT::ownDisposable).forEach(e ->
                ownShapes.add(e.request().service() + " " + e.request().argument()));
        assertTrue(ownShapes.size() > 5, ownShapes.toString());
        for (String shape : ownShapes) {
            String[] sa = shape.split(" ");
            assertDenied(sa[0], sa[1].substring(1), userDisposable);
        }
        for (String event : List.of("domain-unpaused", "domain-shutdown", "domain-feature-set_internal")) {
            assertDenied("admin.Events", event, userDisposable);
        }
    }

    @Test
    void lifecycleCallsOnQubesDispoolDidNotCreateAreDenied() {
        for (String method : List.of("admin.vm.Kill", "admin.vm.Remove", "admin.vm.Pause", "admin.vm.Unpause",
                "admin.vm.Start", "admin.vm.Shutdown")) {
            for (String target : List.of(WEB, OTHER_DVM, TPL, userDisposable, "dom0", "sys-net-absent")) {
                assertDenied(method, "", target);
            }
        }
    }

    /** Feature and property writes name what they write; files sort after 30-user.policy. */
    @Test
    void writesNameTheirFeaturesAndUsersCanOverride() throws IOException {
        try (var files = Files.list(Path.of("deploy/qubes-policy"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".policy")).toList()) {
                assertTrue(f.getFileName().toString().compareTo("30-user.policy") > 0, f + " must sort after 30-user.policy");
                for (PolicyFilesTest.Rule r : PolicyFilesTest.parse(f)) {
                    boolean write = r.service().matches("admin\\.(vm\\.)?(feature|property)\\.(Set|Remove)") || r.service().equals("*");
                    assertFalse(write && r.action().equals("allow") && r.argument().equals("*"), r + ": name the feature");
                }
            }
        }
    }

    private static boolean ownDisposable(AdminCallLog.Entry e) {
        QrexecPolicy.Qube t = e.system().get(e.request().target());
        return t != null && t.tags().contains("created-by-" + MGMT);
    }

    private static void assertDenied(String service, String arg, String target) {
        QrexecPolicy.Decision d = policy.evaluate(new QrexecPolicy.Request(service, "+" + arg, MGMT, target), finalSystem);
        assertFalse(d.allowed(), service + "+" + arg + " -> " + target + " must be denied, allowed by " + d.rule());
    }
}
