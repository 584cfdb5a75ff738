package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.sim.SimOp;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A resume while a suspend still waits for its drain ends that wait: the host is awake, so the
 * suspend must not run out its timeout and report "pools not drained" (the full differential
 * grid's native suspend: the resume step cleared the pending wait before the suspend checked it).
 */
class SuspendResumeRaceTest extends EngineFixture {

    @Test
    void aResumeEndsASuspendStillWaitingForItsDrain() throws Exception {
        start(host().feature(WEB, "preload-dispvm-max", "2").build());
        awaitReady(WEB, 2);
        sim.faults().hang(SimOp.KILL); // the drain cannot finish: every removal's kill blocks
        CompletableFuture<Void> suspend = engine.suspend().subscribeAsCompletionStage().toCompletableFuture();
        await().until(() -> sim.calls(SimOp.KILL) > 0);
        assertFalse(suspend.isDone(), "the drain is blocked, so the suspend still waits");

        engine.resume();
        suspend.get(20, TimeUnit.SECONDS); // before: failed after the suspend timeout, "pools not drained"
        assertTrue(suspend.isDone() && !suspend.isCompletedExceptionally());

        sim.faults().clear();
        awaitReady(WEB, 2);
    }
}
