package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.PowerState;
import dispool.host.QubesException;
import dispool.host.sim.SimOp;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** dispool removes only what it handed out (the {@code x-dispool-handed-out} mark), on the simulator. */
class OwnershipTest extends EngineFixture {

    private DispoolException refusedRemoval(String name) {
        return assertThrows(DispoolException.class, () -> engine.removeDisposable(name).await().indefinitely());
    }

    private boolean exists(String name) {
        try {
            sim.qube(name);
            return true;
        } catch (QubesException e) {
            return false;
        }
    }

    @Test
    void aDisposableSomeoneElseStartedSurvivesARemoval() {
        start(host().build());
        String theirs = sim.createDisposable(WEB, Map.of()); // as qvm-run --dispvm does
        sim.start(theirs);
        DispoolException e = refusedRemoval(theirs);
        assertEquals(DispoolException.Kind.FORBIDDEN, e.kind());
        assertTrue(e.getMessage().contains(theirs) && e.getMessage().contains(Ownership.FEATURE), e.getMessage());
        assertEquals(PowerState.Running, state(theirs), "left untouched");
    }

    @Test
    void aPreloadOfAPoolIsRefusedAndStaysInThePool() {
        start(host().feature(WEB, "preload-dispvm-max", "1").build());
        awaitReady(WEB, 1);
        String preload = pool(WEB).preloads().get(0).name();
        assertEquals(DispoolException.Kind.FORBIDDEN, refusedRemoval(preload).kind());
        assertEquals(PowerState.Paused, state(preload));
        assertEquals(1, pool(WEB).ready());
    }

    @Test
    void preloadedAndColdHandOutsCarryTheMarkAndTheirCallerRemovesThem() {
        start(host().feature(WEB, "preload-dispvm-max", "1").build());
        awaitReady(WEB, 1);
        HandOut preloaded = engine.handOut(WEB).await().indefinitely();
        assertTrue(preloaded.preloaded());
        await().until(() -> sim.feature(preloaded.name(), Ownership.FEATURE).isPresent());
        Instant at = Instant.parse(sim.feature(preloaded.name(), Ownership.FEATURE).orElseThrow());
        assertTrue(at.isAfter(Instant.now().minusSeconds(60)), "the hand-out time, UTC: " + at);
        HandOut cold = engine.handOut(DEFAULT).await().indefinitely();
        assertFalse(cold.preloaded());
        assertTrue(sim.feature(cold.name(), Ownership.FEATURE).isPresent(), "a cold one is marked from its creation");
        engine.removeDisposable(preloaded.name()).await().indefinitely();
        engine.removeDisposable(cold.name()).await().indefinitely();
        assertFalse(exists(preloaded.name()));
        assertFalse(exists(cold.name()));
    }

    @Test
    void aHandOutWhoseMarkIsNotYetWrittenCanStillBeRemovedByItsCaller() {
        start(host().feature(WEB, "preload-dispvm-max", "1").build());
        awaitReady(WEB, 1);
        sim.faults().hang(SimOp.FEATURE); // the bookkeeping after the hand-out waits: no mark yet
        HandOut h = engine.handOut(WEB).await().indefinitely();
        engine.removeDisposable(h.name()).await().indefinitely();
        assertFalse(exists(h.name()));
        sim.faults().clear();
    }

    @Test
    void aHandedOutPreloadUnpausedBeforeACrashIsMarkedByRecovery() {
        start(host().feature(WEB, "preload-dispvm-max", "1").build());
        awaitReady(WEB, 1);
        sim.faults().hang(SimOp.FEATURE);
        String name = engine.handOut(WEB).await().indefinitely().name();
        engine.close(); // dispool dies before its bookkeeping: the qube is listed, completed and running
        sim.faults().clear();
        start(sim);
        await().until(() -> sim.feature(name, Ownership.FEATURE).isPresent());
        engine.removeDisposable(name).await().indefinitely();
        assertFalse(exists(name));
    }
}
