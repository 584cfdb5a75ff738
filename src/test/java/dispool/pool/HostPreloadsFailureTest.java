package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.QubesException;
import dispool.host.QubesHost;
import dispool.host.sim.SimHost;
import dispool.host.sim.SimOp;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * When the host keeps the pools ({@link PreloadOwner#HOST}) a hand-out is a disposable qubesd
 * creates. Whatever fails after the creation, the caller gets the engine's error and the new
 * disposable is removed: none is left on the host.
 */
class HostPreloadsFailureTest extends EngineFixture {

    /** Set: the host's qube reads fail (the read of a new disposable's power state among them). */
    private final AtomicBoolean readsFail = new AtomicBoolean();

    private void startHostOwned() {
        sim = host().build();
        EngineSettings settings = EngineSettings.defaults().withResyncInterval(Duration.ofSeconds(30));
        engine = new DispoolEngine(failingReads(sim), new EngineSettings(settings.marks(), settings.backoff(), settings.resyncInterval(),
                settings.memoryRetry(), settings.suspendTimeout(), PreloadOwner.HOST));
        engine.start();
    }

    private DispoolException handOutFails() {
        Throwable t = assertThrows(Throwable.class, () -> handOut(WEB));
        Throwable cause = t instanceof CompletionException ? t.getCause() : t;
        assertTrue(cause instanceof DispoolException, "the engine's own error, not the host's: " + cause);
        return (DispoolException) cause;
    }

    @Test
    void aDisposableWhoseStateCannotBeReadIsRemoved() {
        startHostOwned();
        readsFail.set(true); // the read after the creation
        DispoolException e = handOutFails();
        assertEquals(DispoolException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("could not be read after its creation"), e.getMessage());
        readsFail.set(false);
        await().until(() -> dispvmsOf(WEB).isEmpty());
    }

    @Test
    void aDisposableThatFailsToStartIsRemoved() {
        startHostOwned();
        sim.faults().fail(SimOp.START, 1.0);
        assertEquals(DispoolException.Kind.UNAVAILABLE, handOutFails().kind());
        sim.faults().clear();
        await().until(() -> dispvmsOf(WEB).isEmpty());
    }

    @Test
    void aColdStartRefusedForMemoryRemovesTheUnstartedDisposable() {
        startHostOwned();
        sim.memoryTakenByOthers(11_700); // 16,000 − 4,000 dom0 − 50 reserve − 11,700 = 250 MiB: less than the 400 a start needs
        assertEquals(DispoolException.Kind.INSUFFICIENT_MEMORY, handOutFails().kind());
        await().until(() -> dispvmsOf(WEB).isEmpty());
    }

    /** The simulator, whose {@code qube} reads fail while {@link #readsFail} is set (as a lost qubesd connection). */
    private QubesHost failingReads(SimHost host) {
        return InterceptedHost.of(host, "qube", args -> {
            if (readsFail.get()) {
                throw new QubesException(QubesException.GENERIC, "simulated: connection to qubesd lost");
            }
        });
    }
}
