package dispool.bench;

import dispool.pool.DispoolEngine;
import dispool.pool.HandOut;
import dispool.pool.PoolSettings;
import dispool.pool.PoolView;

/** A bench target that runs its own engine in this process, on a host of its own (the simulator, QEMU). */
abstract class EngineTarget implements BenchTarget {

    DispoolEngine engine;

    void start(DispoolEngine e) {
        engine = e;
        engine.start();
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
