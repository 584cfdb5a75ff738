package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.PowerState;
import dispool.host.sim.SimOp;
import io.smallrye.mutiny.subscription.Cancellable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * dispool on a Qubes host (managed mode, marks prefixed) never touches disposables others create
 * from the same DVM templates: not at restart recovery, and not through the features qubesd copies
 * from a DVM template into every disposable made from it.
 */
class ForeignDisposablesTest extends EngineFixture {

    /**
     * Qubes' rules for a DVM template's features: {@code DispVM.__init__} (qubes/vm/dispvm.py)
     * copies all but {@code preload-dispvm*} into each new disposable; qvm-clone
     * (qubesadmin/app.py {@code clone_vm}) and backups (qubes/backup.py) copy all but
     * {@code preload-dispvm*} other than {@code preload-dispvm-max}.
     */
    private static boolean inheritedByDisposables(String feature) {
        return !feature.startsWith("preload-dispvm");
    }

    private static boolean clonedAndBackedUp(String feature) {
        return !feature.startsWith("preload-dispvm") || feature.equals("preload-dispvm-max");
    }

    private void startManagedOnQubes() {
        engine = new DispoolEngine(sim, new EngineSettings(Marks.prefixed("x-dispool-"), Backoff.DEFAULT,
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(120), PreloadOwner.DISPOOL));
        engine.start();
    }

    @Test
    void aHaltedDisposableSomeoneElseCreatedSurvivesRecoveryAfterACrashMidCreation() {
        sim = host().feature(WEB, "preload-dispvm-max", "1").build();
        startManagedOnQubes();
        awaitReady(WEB, 1);
        sim.faults().hang(SimOp.CREATE);
        engine.setMax(WEB, "2");
        await().until(() -> pool(WEB).starting() == 1);
        Map<String, String> leftByTheCrash = sim.features(WEB); // whatever dispool marks while it creates
        engine.close();
        sim.faults().clear();
        leftByTheCrash.forEach((f, v) -> sim.setFeature(WEB, f, v));
        // qvm-run --dispvm: the disposable stays Halted between its create and its start
        String foreign = sim.createDisposable(WEB, Map.of());
        startManagedOnQubes();
        awaitReady(WEB, 2);
        assertEquals(PowerState.Halted, state(foreign), "restart recovery left someone else's disposable alone");
    }

    @Test
    void nothingDispoolWritesOnADvmTemplateReachesDisposablesOthersMakeClonesOrBackups() {
        sim = host().feature(WEB, "preload-dispvm-max", "1").build();
        Set<String> written = ConcurrentHashMap.newKeySet();
        Cancellable watch = sim.events().subscribe().with(e -> {
            if (e.subject().equals(WEB) && e.is("domain-feature-set")) {
                written.add(e.suffix());
            }
        });
        try {
            startManagedOnQubes();
            awaitReady(WEB, 1);
            engine.setPolicy(WEB, "adaptive");
            engine.setMax(WEB, "2");
            handOut(WEB);
            awaitReady(WEB, 2);
            String foreign = sim.createDisposable(WEB, Map.of());
            Set<String> inherited = new TreeSet<>(sim.features(foreign).keySet());
            inherited.retainAll(written);
            assertEquals(Set.of(), inherited, "features dispool wrote on " + WEB + " (" + written + ") in " + foreign);
            Set<String> cloned = new TreeSet<>(written);
            cloned.removeIf(f -> !clonedAndBackedUp(f) || f.equals("preload-dispvm-max"));
            assertEquals(Set.of(), cloned, "dispool's bookkeeping on " + WEB + " copied by qvm-clone and backups");
            assertTrue(written.stream().noneMatch(ForeignDisposablesTest::inheritedByDisposables), written.toString());
        } finally {
            watch.cancel();
        }
    }

    @Test
    void whatAnOlderDispoolKeptUnderCopiedNamesMovesToNamesQubesDoesNotCopy() {
        sim = host().feature(WEB, "preload-dispvm-max", "1").build();
        String kept = sim.createDisposable(WEB, Map.of("x-dispool-preload-dispvm-completed", "1", "internal", "1"));
        sim.start(kept);
        sim.pause(kept);
        sim.setFeature(WEB, "x-dispool-preload-dispvm", kept);
        sim.setFeature(WEB, "x-dispool-policy", "adaptive");
        sim.setFeature(WEB, "x-dispool-creating", "2026-12-01T04:07:00Z");
        startManagedOnQubes();
        awaitReady(WEB, 1);
        assertEquals(List.of(kept), pool(WEB).preloads().stream().map(PoolView.PreloadView::name).toList());
        assertEquals(kept, sim.feature(WEB, "preload-dispvm-x-dispool-list").orElse(""));
        assertEquals("adaptive", sim.feature(WEB, RefillPolicies.FEATURE).orElse(""));
        assertEquals(Set.of(), sim.features(WEB).keySet().stream().filter(ForeignDisposablesTest::inheritedByDisposables)
                .filter(f -> f.startsWith("x-dispool-")).collect(java.util.stream.Collectors.toSet()));
    }
}
