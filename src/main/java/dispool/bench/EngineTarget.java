package dispool.bench;

import dispool.host.Clock;
import dispool.host.QubesHost;
import dispool.pool.DispoolEngine;
import dispool.pool.HandOut;
import dispool.pool.PoolEvents;
import dispool.pool.PoolSettings;
import dispool.pool.PoolView;

/**
 * A bench target that runs its own engine in this process, on a host of its own (the simulator,
 * QEMU): besides what every target offers, the host's clock and the engine's events, from which a
 * traffic run records its hand-out history.
 */
public abstract class EngineTarget implements BenchTarget {

    DispoolEngine engine;
    private Clock clock;

    void start(QubesHost host, DispoolEngine e) {
        clock = host.clock();
        engine = e;
        engine.start();
    }

    /** Host milliseconds of the host's clock: the simulator's scaled one, real time on a real host. */
    public long hostMillis() {
        return clock.millis();
    }

    @Override
    public double timeScale() {
        return clock.scale();
    }

    /** The engine's events (traffic scenarios record the memory its preloads hold from them). */
    public PoolEvents events() {
        return engine.events();
    }

    /** Sets dom0's preload-dispvm-threshold: memory in MiB that preloads leave free for other qubes. */
    public void setThreshold(long mib) {
        engine.updateGlobalSettings(null, false, Long.toString(mib), null, null);
    }

    @Override
    public void setMax(String template, int max) {
        engine.setMax(template, Integer.toString(max));
    }

    @Override
    public void unsetMax(String template) {
        engine.unsetMax(template);
    }

    @Override
    public PoolState pool(String template) {
        PoolView p = engine.pool(template);
        return new PoolState(p.max(), p.ready(), p.starting(), p.preloads().size(), p.memoryMiB(), p.delaySeconds(),
                p.maxSource() == PoolSettings.MaxSource.LOCAL);
    }

    /** The pool as the engine shows it, with the policy's want, reason code and start-capacity estimate. */
    public PoolView view(String template) {
        return engine.pool(template);
    }

    @Override
    public HandOut handOut(String template) {
        return engine.handOut(template).await().indefinitely();
    }

    @Override
    public void remove(String name) {
        engine.removeDisposable(name).await().indefinitely();
    }

    @Override
    public void close() {
        engine.close();
    }
}
