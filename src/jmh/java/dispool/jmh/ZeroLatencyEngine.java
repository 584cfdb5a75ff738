package dispool.jmh;

import dispool.host.Clock;
import dispool.host.QubesHost;
import dispool.host.sim.LatencyModel;
import dispool.host.sim.SimHost;
import dispool.host.sim.SimHostBuilder;
import dispool.pool.DispoolEngine;
import dispool.pool.EngineSettings;
import dispool.pool.PoolView;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A zero-latency simulated host with {@code templates} DVM templates ({@code bench-dvm-0}…), each
 * with a pool of {@code poolMax} that refills at once after a hand-out (delay 0), and an engine on
 * it. Memory is ample, so the memory gate never holds a refill back.
 */
final class ZeroLatencyEngine implements AutoCloseable {

    static final String PREFIX = "bench-dvm-";
    /**
     * How often an untimed wait looks at its pool again. Short polls from 16 caller threads wake
     * the 2 CPUs hundreds of thousands of times a second and take them from the refills and from
     * the timed hand-outs of the other threads; 500 µs keeps the wait cheap.
     */
    static final long POLL_NANOS = 500_000;

    final SimHost sim;
    final DispoolEngine engine;

    ZeroLatencyEngine(int templates, int poolMax, Function<SimHost, QubesHost> wrap) {
        // At zero latency a caller removes its disposable before the engine's asynchronous unmark
        // runs, which then warns that the qube is gone; a log line per hand-out is not the hot path.
        Logger.getLogger("dispool").setLevel(Level.SEVERE);
        SimHostBuilder b = SimHost.builder().clock(Clock.system()).latency(LatencyModel.ZERO).seed(1)
                .reuseDispIds().totalMemoryMiB(1_000_000).dom0MemoryMiB(4_000).templateVm("fedora-42-xfce");
        for (int i = 0; i < templates; i++) {
            b.dvmTemplate(template(i), 400).feature(template(i), "preload-dispvm-max", Integer.toString(poolMax))
                    .feature(template(i), "preload-dispvm-delay", "0");
        }
        sim = b.build();
        engine = new DispoolEngine(wrap.apply(sim), EngineSettings.defaults());
        engine.start();
        for (int i = 0; i < templates; i++) {
            awaitPool(template(i), p -> p.ready() == poolMax && p.starting() == 0);
        }
    }

    /**
     * {@code host} behind a proxy that shows each call's method name to {@code answersItself} first;
     * when that returns true the call returns at once without reaching the host (only for calls
     * that return nothing, such as {@code unpause}).
     */
    static QubesHost intercepted(QubesHost host, Predicate<String> answersItself) {
        return (QubesHost) Proxy.newProxyInstance(ZeroLatencyEngine.class.getClassLoader(), new Class<?>[] {QubesHost.class},
                (proxy, method, args) -> {
                    if (answersItself.test(method.getName())) {
                        return null;
                    }
                    try {
                        return method.invoke(host, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    static String template(int i) {
        return PREFIX + i;
    }

    /** Waits (at most 30 s) until the pool satisfies {@code condition}. */
    void awaitPool(String template, Predicate<PoolView> condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.test(engine.pool(template))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(template + " did not reach the awaited state in 30 s: " + engine.pool(template));
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    @Override
    public void close() {
        engine.close();
    }
}
