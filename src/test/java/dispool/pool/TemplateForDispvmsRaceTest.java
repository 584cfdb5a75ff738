package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.QubesHost;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code template_for_dispvms} switched back on while the reconcile of its switch-off, which read
 * {@code False}, is still under way (issue 22's grid suspected this race behind "work-dvm is not a
 * DVM template"). A request in between is served: the pool still had its settings, and a refusal
 * is always re-read from the host first. But that reconcile then dropped the pool on its stale
 * read, and the pass the switch-on event asked for found no pool and did nothing: the pool was
 * gone from the view and the metrics, and a pool with a max did not refill, until the next resync
 * or request.
 * Fixed: a pass that finds no pool asks the host whether the template is a DVM template again.
 * Deterministic: the reconcile is held right after the host answered its read, until the request
 * was served; no resync runs during the test.
 */
class TemplateForDispvmsRaceTest extends EngineFixture {

    /** The thread of the reconcile held after reading False, once armed. */
    private final AtomicReference<Thread> held = new AtomicReference<>();
    private final CountDownLatch readFalse = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean armed;
    private volatile Thread requester;

    @ParameterizedTest
    @EnumSource(PreloadOwner.class)
    void switchedBackOnWhileTheSwitchOffIsReconciledThePoolStays(PreloadOwner owner) throws Exception {
        requester = Thread.currentThread();
        sim = host().build();
        EngineSettings d = EngineSettings.defaults().withResyncInterval(Duration.ofDays(1)); // no resync mends a lost pool
        engine = new DispoolEngine(holdingReads(sim), new EngineSettings(d.marks(), d.backoff(), d.resyncInterval(),
                d.memoryRetry(), d.suspendTimeout(), owner));
        engine.start();
        armed = true;
        sim.setProperty(WEB, "template_for_dispvms", "False"); // its reconcile reads False, and is held there
        assertTrue(readFalse.await(20, TimeUnit.SECONDS), "the reconcile read the template");
        sim.setProperty(WEB, "template_for_dispvms", "True"); // the user switches it back on: that read is stale

        HandOut h = engine.handOutOnCallerThread(WEB);
        assertTrue(h.name().startsWith("disp"), h.toString());
        release.countDown(); // the stale reconcile goes on with its False
        await().until(() -> memoryMiB(WEB) == 400); // listed again, as a DVM template, without a resync
        assertEquals(WEB, engine.pool(WEB).template());
    }

    /** The template's memory as the pool's cached settings have it (0: not a DVM template); the list reads nothing. */
    private long memoryMiB(String template) {
        return engine.pools().stream().filter(p -> p.template().equals(template)).mapToLong(PoolView::memoryMiB)
                .findFirst().orElse(-1);
    }

    /**
     * The simulator, where, once armed, the first read of the DVM template's properties that
     * answers {@code template_for_dispvms=False} on an engine thread is held, until {@link #release}.
     */
    private QubesHost holdingReads(QubesHost host) {
        return (QubesHost) Proxy.newProxyInstance(QubesHost.class.getClassLoader(), new Class<?>[] {QubesHost.class},
                (proxy, m, args) -> {
                    Object answer;
                    try {
                        answer = m.invoke(host, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (armed && m.getName().equals("properties") && WEB.equals(args[0])
                            && "False".equals(((Map<?, ?>) answer).get("template_for_dispvms"))) {
                        afterPropertiesRead();
                    }
                    return answer;
                });
    }

    private void afterPropertiesRead() throws InterruptedException {
        if (Thread.currentThread() != requester && held.compareAndSet(null, Thread.currentThread())) {
            readFalse.countDown();
            release.await(20, TimeUnit.SECONDS);
        }
    }
}
