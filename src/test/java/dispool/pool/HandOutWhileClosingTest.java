package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.PowerState;
import dispool.host.QubesException;
import dispool.host.QubesHost;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The engine closes while a hand-out is under way (the service stops as a request is served):
 * the caller still gets the disposable it was given, and the bookkeeping that follows a hand-out
 * (its handed-out mark, off the list and shown in menus) is done, though the engine's workers are gone.
 * A cold start cut by the close is refused and its disposable removed on the caller's thread.
 */
class HandOutWhileClosingTest extends EngineFixture {

    @Test
    void aHostPreloadHandedOutAsTheEngineClosesIsTheCallersAndMarked() {
        sim = host().build();
        String preload = sim.createDisposable(WEB, Map.of()); // qubesd's preload: running, handed out as is
        sim.start(preload);
        QubesHost host = (QubesHost) Proxy.newProxyInstance(QubesHost.class.getClassLoader(), new Class<?>[] {QubesHost.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("createDisposable")) {
                        engine.close(); // right after qubesd answered
                        return preload;
                    }
                    try {
                        return m.invoke(sim, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        EngineSettings d = EngineSettings.defaults().withResyncInterval(Duration.ofSeconds(30));
        engine = new DispoolEngine(host, new EngineSettings(d.marks(), d.backoff(), d.resyncInterval(), d.memoryRetry(),
                d.suspendTimeout(), PreloadOwner.HOST));
        engine.start();

        HandOut h = engine.handOutOnCallerThread(WEB);

        assertEquals(preload, h.name());
        assertTrue(h.preloaded());
        assertTrue(sim.feature(preload, Ownership.FEATURE).isPresent(), "marked handed out, so its caller may remove it");
    }

    @Test
    void aManagedPreloadHandedOutAsTheEngineClosesIsTheCallersAndUnmarked() {
        sim = host().build();
        sim.setFeature(WEB, "preload-dispvm-max", "1");
        QubesHost host = InterceptedHost.of(sim, "unpause", args -> engine.close());
        engine = new DispoolEngine(host, EngineSettings.defaults().withResyncInterval(Duration.ofSeconds(30)));
        engine.start();
        await().until(() -> engine.pool(WEB).ready() == 1);
        String preload = listFeature(WEB).get(0);

        HandOut h = engine.handOutOnCallerThread(WEB);

        assertEquals(preload, h.name());
        assertEquals(PowerState.Running, state(preload));
        assertTrue(sim.feature(preload, Ownership.FEATURE).isPresent(), "marked handed out, so its caller may remove it");
        assertFalse(listFeature(WEB).contains(preload), "no longer on the template's list");
        assertTrue(sim.feature(preload, "internal").isEmpty(), "shown in menus as the user's");
    }

    @Test
    void aColdStartThatFailsAsTheEngineClosesIsRefusedAndRemoved() {
        sim = host().build();
        QubesHost host = InterceptedHost.of(sim, "start", args -> {
            engine.close();
            throw new QubesException(QubesException.VM_ERROR, "simulated: the start was cut as dispool stopped");
        });
        engine = new DispoolEngine(host, EngineSettings.defaults().withResyncInterval(Duration.ofSeconds(30)));
        engine.start();

        DispoolException e = assertThrows(DispoolException.class, () -> engine.handOutOnCallerThread(WEB));

        assertEquals(DispoolException.Kind.UNAVAILABLE, e.kind());
        assertTrue(dispvmsOf(WEB).isEmpty(), "the cold disposable is removed, not left halted");
    }
}
