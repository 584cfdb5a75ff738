package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dispool.host.QubesHost;
import dispool.host.sim.SimHost;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The memory figure is a host call (on qubesd without qmemman's file: a listing and two Admin
 * API calls per disposable). While one pool waits for it, another pool must not wait for that
 * pool: no lock of the engine is held across the read.
 */
class SlowMemoryFigureTest extends EngineFixture {

    /** How long one read of the figure takes, unless a second reader arrives first. */
    private static final Duration READ_TIME = Duration.ofSeconds(1);

    private final AtomicInteger reading = new AtomicInteger();
    private final AtomicInteger peakReaders = new AtomicInteger();
    /** Counted down by each reader: the first returns as soon as a second is reading beside it. */
    private final CountDownLatch twoReaders = new CountDownLatch(2);

    @Test
    void twoPoolsFillInParallelWhileTheMemoryFigureTakesASecond() {
        sim = host().feature(WEB, "preload-dispvm-max", "1").feature(DEFAULT, "preload-dispvm-max", "1").build();
        engine = new DispoolEngine(slowMemory(sim), EngineSettings.defaults().withResyncInterval(Duration.ofSeconds(30)));
        engine.start(); // both pools reconcile at once, each reads the figure before it starts its preload

        awaitReady(WEB, 1);
        awaitReady(DEFAULT, 1);
        // serialized, the first read would run its whole second alone and the second would follow it
        assertEquals(2, peakReaders.get(), "the two pools read the memory figure at the same time");
    }

    /** The simulator, with a figure that takes {@link #READ_TIME} (less once a second reader came). */
    private QubesHost slowMemory(SimHost host) {
        return InterceptedHost.of(host, "availableMemory", args -> {
            peakReaders.accumulateAndGet(reading.incrementAndGet(), Math::max);
            try {
                twoReaders.countDown();
                twoReaders.await(READ_TIME.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                reading.decrementAndGet();
            }
        });
    }
}
