package dispool.pool;

import dispool.host.Backoff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.QubesHost;
import dispool.host.sim.SimHost;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * In managed mode on a Qubes host (dispool's marks prefixed), a template whose own
 * {@code preload-dispvm} list is not empty is preloaded by qubesd: dispool leaves it alone, says
 * why, and preloads the others.
 */
class NativeListGuardTest extends EngineFixture {

    private static final Duration RESYNC = Duration.ofSeconds(30);

    /** Host times at which a reconcile of WEB began: each reads qubesd's list first, on the pool's runner thread. */
    private final List<Long> webReconciles = new CopyOnWriteArrayList<>();
    private final List<String> webStarts = new CopyOnWriteArrayList<>();

    private void startManaged(SimHost host) {
        sim = host;
        QubesHost counted = InterceptedHost.of(host, "feature", args -> {
            if (WEB.equals(args[0]) && HostPreloads.HOST_LIST.equals(args[1])
                    && Thread.currentThread().getName().equals("dispool-reconcile-" + WEB)) {
                webReconciles.add(host.clock().nanos());
            }
        });
        engine = new DispoolEngine(counted, new EngineSettings(Marks.prefixed("x-dispool-"), Backoff.DEFAULT,
                RESYNC, Duration.ofSeconds(10), Duration.ofSeconds(120), PreloadOwner.DISPOOL));
        engine.events().addListener(e -> {
            if (e.type() == PoolEvent.Type.PRELOAD_STARTED && WEB.equals(e.template())) {
                webStarts.add(e.qube());
            }
        });
        engine.start();
    }

    /**
     * The barrier, in host time: two reconciles of WEB began more than a resync interval from
     * now, so the first of them ended (a pool's reconciles run one at a time) after every timer
     * the engine set at start had fired. A preload started late, by any of them, is in the pool
     * or among the started ones by then, however slow the machine.
     */
    private void awaitReconcilesAfterAResync() {
        long after = sim.clock().nanos() + RESYNC.plusSeconds(1).toNanos();
        await().until(() -> webReconciles.stream().filter(t -> t > after).count() >= 2);
    }

    private void assertWebNeverPreloaded() {
        assertEquals(List.of(), webStarts, "dispool started preloads of " + WEB + " beside qubesd's");
        assertTrue(pool(WEB).preloads().isEmpty(), pool(WEB).preloads().toString());
    }

    @Test
    void aTemplateThatQubesdPreloadsIsLeftToQubesd() {
        SimHost host = host().feature(WEB, "preload-dispvm-max", "2").feature(DEFAULT, "preload-dispvm-max", "1").build();
        host.setFeature(WEB, "preload-dispvm", "disp42");
        startManaged(host);
        awaitReady(DEFAULT, 1);
        awaitReconcilesAfterAResync();
        assertWebNeverPreloaded();
        assertEquals(0, pool(WEB).max());
        // what a user reads names qubesd's list and what is in it
        assertTrue(pool(WEB).warning().contains(HostPreloads.HOST_LIST) && pool(WEB).warning().contains("disp42"),
                pool(WEB).warning());
        sim.setFeature(WEB, "preload-dispvm", "");
        engine.setMax(WEB, "2");
        awaitReady(WEB, 2);
    }

    @Test
    void aTemplateWhoseDisposableSaysIsPreloadIsLeftToQubesd() {
        SimHost host = host().feature(WEB, "preload-dispvm-max", "2").build();
        String qubesds = host.createDisposable(WEB, java.util.Map.of());
        host.setProperty(qubesds, "is_preload", "True");
        startManaged(host);
        await().until(() -> pool(WEB).warning() != null);
        assertTrue(pool(WEB).warning().contains(qubesds) && pool(WEB).warning().contains("is_preload"),
                pool(WEB).warning());
        awaitReconcilesAfterAResync();
        assertWebNeverPreloaded();
        assertEquals(1, dispvmsOf(WEB).size(), "dispool never preloaded beside qubesd, not even at start");
    }
}
