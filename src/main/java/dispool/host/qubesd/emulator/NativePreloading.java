package dispool.host.qubesd.emulator;

import dispool.host.sim.SimHost;
import dispool.pool.DispoolEngine;
import dispool.pool.EngineSettings;
import dispool.pool.PoolView;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * qubesd R4.3's own preloading, for the emulator: dispool's engine, run inside the emulated qubesd
 * on the simulated host with Qubes' own bookkeeping names ({@code preload-dispvm},
 * {@code preload-dispvm-completed}…), fills the pools from the same features qubesd reads. That
 * engine follows qubesd's lifecycle (qubes/vm/dispvm.py) closely enough for a client to see what
 * it sees on R4.3: preloads listed on the template, {@code is_preload}, and
 * {@code admin.vm.CreateDisposable} handing out a ready preload (running, unpaused) or else a new
 * Halted disposable.
 */
final class NativePreloading implements AutoCloseable {

    private final SimHost host;
    private final DispoolEngine engine;

    NativePreloading(SimHost host) {
        this.host = host;
        this.engine = new DispoolEngine(host, EngineSettings.defaults().withResyncInterval(Duration.ofSeconds(30)));
        engine.start();
    }

    /** {@code admin.vm.CreateDisposable} on {@code template}. */
    String handOut(String template) {
        PoolView pool = engine.pool(template);
        if (pool.ready() == 0) {
            return host.createDisposable(template, Map.of());
        }
        return engine.handOut(template).await().indefinitely().name();
    }

    /**
     * {@code admin.vm.CreateDisposable+preload}, the boot service's refill trigger: accepted for a
     * DVM template (the engine already keeps its pools filled on every other trigger), refused
     * otherwise.
     */
    void acceptPreloadTrigger(String template) {
        engine.pool(template);
    }

    boolean isPreload(String dispvm) {
        String template = host.property(dispvm, "template");
        return Arrays.asList(host.feature(template, "preload-dispvm").orElse("").split(" ")).contains(dispvm);
    }

    @Override
    public void close() {
        engine.close();
    }
}
