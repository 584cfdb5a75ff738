package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.QubesException;
import dispool.host.QubesHost;
import dispool.host.memory.QmemmanRules;
import dispool.host.sim.SimHost;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Row 14 where dispool cannot shrink a preload before its pause (a management qube): the pool view
 * shows the memory each paused preload holds, read with {@code admin.vm.CurrentState} once it is
 * paused and again on the periodic resync, never on the hand-out path.
 */
class PreloadMemoryTest extends EngineFixture {

    private DispoolEngine startOn(QubesHost host, PreloadOwner owner) {
        EngineSettings d = EngineSettings.defaults().withResyncInterval(Duration.ofSeconds(30));
        engine = new DispoolEngine(host, new EngineSettings(d.marks(), d.backoff(), d.resyncInterval(), d.memoryRetry(),
                d.suspendTimeout(), owner));
        engine.start();
        return engine;
    }

    @Test
    void eachPausedPreloadShowsTheMemoryItHoldsAndThePoolTheirSum() {
        start(host().feature(WEB, "preload-dispvm-max", "2").build());
        awaitReady(WEB, 2);
        PoolView p = pool(WEB);
        p.preloads().forEach(v -> assertEquals(400L, v.memoryMiB(), v.toString()));
        assertEquals(800, p.pausedMemoryMiB());
        assertEquals(0, pool(DEFAULT).pausedMemoryMiB(), "an empty pool holds nothing");
    }

    /**
     * With qmemman's balance (R4.3's rules) a running qube is given a share of the free memory;
     * dispool's pause is not qubesd's, so nothing hands it back: the view shows what it keeps.
     */
    @Test
    void aPreloadPausedWithoutTheShrinkShowsWhatItBallooned() {
        start(host().memoryRules(QmemmanRules.QUBES_R43).feature(WEB, "preload-dispvm-max", "2").build());
        awaitReady(WEB, 2);
        long sum = 0;
        for (PoolView.PreloadView v : pool(WEB).preloads()) {
            assertEquals(sim.currentMemoryKiB(v.name()) / 1024, v.memoryMiB(), v.toString());
            assertTrue(v.memoryMiB() > 400, "ballooned above its 400 MiB: " + v);
            sum += v.memoryMiB();
        }
        assertEquals(sum, pool(WEB).pausedMemoryMiB());
    }

    /** A refused read (say, a policy without the line) never fails a preload; the resync reads it again. */
    @Test
    void aFailedReadShowsNoFigureUntilTheResyncReadsIt() {
        sim = host().feature(WEB, "preload-dispvm-max", "2").build();
        AtomicBoolean refused = new AtomicBoolean(true);
        startOn(InterceptedHost.of(sim, "currentMemoryKiB", args -> {
            if (refused.get()) {
                throw new QubesException("PermissionDenied", "admin.vm.CurrentState denied by dom0's policy");
            }
        }), PreloadOwner.DISPOOL);
        awaitReady(WEB, 2);
        pool(WEB).preloads().forEach(v -> assertNull(v.memoryMiB(), v.toString()));
        assertEquals(0, pool(WEB).pausedMemoryMiB());
        refused.set(false);
        await().until(() -> pool(WEB).pausedMemoryMiB() == 800);
    }

    @Test
    void theHandOutReadsNoMemory() {
        sim = host().feature(WEB, "preload-dispvm-max", "2").build();
        Thread caller = Thread.currentThread();
        AtomicBoolean readByCaller = new AtomicBoolean();
        startOn(InterceptedHost.of(sim, "currentMemoryKiB", args -> readByCaller.compareAndSet(false,
                Thread.currentThread() == caller)), PreloadOwner.DISPOOL);
        awaitReady(WEB, 2);
        HandOut h = engine.handOutOnCallerThread(WEB);
        assertTrue(h.preloaded());
        assertFalse(readByCaller.get(), "admin.vm.CurrentState on the requester's thread");
        awaitReady(WEB, 2);
        assertEquals(800, pool(WEB).pausedMemoryMiB(), "the refill's preload is read once paused");
    }

    /** Native mode: qubesd's completed preloads, read once each when the view lists them. */
    @Test
    void nativeModeShowsTheMemoryOfQubesdsPausedPreloads() {
        sim = host().build();
        startOn(sim, PreloadOwner.HOST);
        String done = sim.createDisposable(WEB, Map.of("preload-dispvm-completed", "1"));
        String starting = sim.createDisposable(WEB, Map.of());
        sim.start(done);
        sim.pause(done);
        sim.start(starting);
        sim.setFeature(WEB, "preload-dispvm", done + " " + starting);
        await().until(() -> pool(WEB).preloads().size() == 2);
        PoolView p = pool(WEB);
        assertEquals(400L, p.preloads().get(0).memoryMiB(), p.toString());
        assertNull(p.preloads().get(1).memoryMiB(), "not paused yet: " + p);
        assertEquals(400, p.pausedMemoryMiB());
    }
}
