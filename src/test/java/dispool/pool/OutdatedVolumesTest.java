package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dispool.host.sim.SimOp;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * After an update of the TemplateVM or a change of the DVM template's private volume, no preload
 * started before it is handed out (Qubes' {@code is_outdated} volumes), whatever state it is in.
 */
class OutdatedVolumesTest extends EngineFixture {

    private static final String TEMPLATE_VM = "fedora-42-xfce";

    private Set<String> readyPreloads() {
        // A preload being created has no name yet (a refill the update started): nothing to compare
        return Set.copyOf(pool(WEB).preloads().stream().map(PoolView.PreloadView::name).filter(Objects::nonNull).toList());
    }

    private void assertFresh(HandOut h, Set<String> before) {
        assertFalse(before.contains(h.name()), h.name() + " was preloaded before the update and handed out");
        assertFalse(sim.volume(h.name(), "root").outdated() || sim.volume(h.name(), "private").outdated(), h.name());
    }

    @Test
    void noPreloadMadeBeforeATemplateVmUpdateIsHandedOut() {
        start(host().feature(WEB, "preload-dispvm-max", "2").feature(WEB, "preload-dispvm-delay", "0").build());
        awaitReady(WEB, 2);
        Set<String> before = readyPreloads();
        sim.updateTemplate(TEMPLATE_VM);
        // The update's domain-shutdown reaches dispool on the event thread (see the README's deliberate differences).
        await().until(() -> readyPreloads().stream().noneMatch(before::contains));
        for (int i = 0; i < 4; i++) {
            assertFresh(handOut(WEB), before);
        }
        awaitReady(WEB, 2);
    }

    @Test
    void aDvmTemplatePrivateChangeOutdatesItsPreloadsOnly() {
        start(host().feature(WEB, "preload-dispvm-max", "1").feature(DEFAULT, "preload-dispvm-max", "1").build());
        awaitReady(WEB, 1);
        awaitReady(DEFAULT, 1);
        Set<String> web = readyPreloads();
        String other = pool(DEFAULT).preloads().get(0).name();
        sim.updateTemplate(WEB);
        await().until(() -> readyPreloads().stream().noneMatch(web::contains));
        assertFresh(handOut(WEB), web);
        assertEquals(other, handOut(DEFAULT).name(), "another DVM template's preload stays current");
    }

    @Test
    void aPreloadClaimedWhileStartingIsCheckedAgainAfterItsWait() throws Exception {
        start(host().build());
        sim.faults().slow(SimOp.START, 8); // about 40 s of host time: the update lands during the wait
        engine.setMax(WEB, "1");
        await().until(() -> pool(WEB).starting() == 1 && pool(WEB).preloads().get(0).name() != null);
        String starting = pool(WEB).preloads().get(0).name();
        await().until(() -> sim.qube(starting).state() != dispool.host.PowerState.Halted);
        CompletableFuture<HandOut> request = engine.handOut(WEB).subscribeAsCompletionStage();
        await().until(() -> pool(WEB).starting() + pool(WEB).ready() < pool(WEB).preloads().size());
        sim.updateTemplate(TEMPLATE_VM);
        sim.faults().clear();
        HandOut h = request.get(20, TimeUnit.SECONDS);
        assertNotEquals(starting, h.name(), "the outdated preload went to the requester");
        assertFalse(h.preloaded());
        assertFresh(h, Set.of(starting));
        await().atMost(Duration.ofSeconds(20)).until(() -> dispvmsOf(WEB).stream().noneMatch(q -> q.name().equals(starting)));
    }

    @Test
    void recoveryDiscardsPreloadsOutdatedWhileDispoolWasDown() {
        start(host().feature(WEB, "preload-dispvm-max", "1").build());
        awaitReady(WEB, 1);
        String old = pool(WEB).preloads().get(0).name();
        engine.close();
        sim.updateTemplate(TEMPLATE_VM);
        start(sim);
        awaitReady(WEB, 1);
        assertNotEquals(List.of(old), List.copyOf(readyPreloads()), "adopted although its root is outdated");
    }
}
