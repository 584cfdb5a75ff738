package dispool.app;

import dispool.host.Clock;
import dispool.host.QubesHost;
import dispool.host.qemu.QemuHost;
import dispool.host.qubesd.QubesdHost;
import dispool.host.qubesd.QubesdMode;
import dispool.host.sim.SimHost;
import dispool.host.sim.SimHostBuilder;
import dispool.host.Backoff;
import dispool.pool.DispoolEngine;
import dispool.pool.EngineSettings;
import dispool.pool.Marks;
import dispool.pool.PreloadOwner;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Builds the host named in the configuration and the engine on it, and runs the engine with the app. */
@ApplicationScoped
public class EngineProducer {

    private static final Logger LOG = Logger.getLogger(EngineProducer.class);
    public static final String QUBESD_MARKS_PREFIX = "x-dispool-";

    @Produces
    @Singleton
    QubesHost host(DispoolConfig config) {
        return switch (config.host()) {
            case sim -> simHost(config.sim());
            case qubesd -> QubesdSetup.host(config.qubes());
            case qemu -> QemuSetup.host(config.qemu());
        };
    }

    @Produces
    @Singleton
    DispoolEngine engine(QubesHost host, DispoolConfig config) {
        DispoolConfig.Engine e = config.engine();
        EngineSettings settings = new EngineSettings(marks(host), new Backoff(e.backoffInitial(), 2.0, e.backoffMax(), 0.1),
                e.resyncInterval(), e.memoryRetry(), e.suspendTimeout(), owner(host, config),
                new EngineSettings.WorkLimits(e.workers(), e.maxColdStarts())).withRules(config.qubes().rules());
        DispoolEngine engine = new DispoolEngine(host, settings);
        engine.setDefaultPolicy(e.policy());
        return engine;
    }

    /**
     * On a real Qubes host qubesd owns the {@code preload-dispvm*} names, so dispool's own
     * bookkeeping goes under the prefix Qubes leaves to users; the simulator has no qubesd.
     */
    private static Marks marks(QubesHost host) {
        return host instanceof QubesdHost ? Marks.prefixed(QUBESD_MARKS_PREFIX) : Marks.qubes();
    }

    private static PreloadOwner owner(QubesHost host, DispoolConfig config) {
        if (host instanceof QubesdHost q && config.engine().enabled()) {
            return QubesdSetup.mode(config.qubes(), q) == QubesdMode.NATIVE ? PreloadOwner.HOST : PreloadOwner.DISPOOL;
        }
        return PreloadOwner.DISPOOL;
    }

    void onStart(@Observes StartupEvent event, Instance<DispoolEngine> engines, DispoolConfig config) {
        if (!config.engine().enabled()) {
            return;
        }
        DispoolEngine engine = engines.get();
        engine.start();
        LOG.infof("dispool on the %s host (time scale %s, pools filled by %s): %d DVM templates, pools %s", config.host(),
                engine.clock().scale(), engine.owner(), engine.pools().size(),
                engine.pools().stream().map(p -> p.template() + " max " + p.max()).toList());
    }

    void onStop(@Observes ShutdownEvent event, Instance<DispoolEngine> engines, Instance<QubesHost> hosts,
            DispoolConfig config) {
        if (config.engine().enabled()) {
            engines.get().close();
        }
        if (hosts.get() instanceof QemuHost qemu) {
            qemu.close(); // drops QMP and agent connections; the paused preloads stay for the next start
        }
    }

    /** The simulated host described by {@code dispool.sim.*} (also what {@code dispool sim-qubesd} serves). */
    public static SimHost simHost(DispoolConfig.Sim c) {
        SimHostBuilder b = SimHost.builder()
                .clock(Clock.scaled(c.timeScale()))
                .totalMemoryMiB(c.totalMemoryMib())
                .dom0MemoryMiB(c.dom0MemoryMib());
        c.seed().ifPresent(b::seed);
        if (c.reuseDispIds()) {
            b.reuseDispIds();
        }
        c.templates().forEach((name, t) -> {
            b.templateVm(t.template());
            b.dvmTemplate(name, t.memoryMib(), t.template(), t.bootFactor());
            t.features().forEach((f, v) -> b.feature(name, f, v));
        });
        c.dom0Features().forEach((f, v) -> b.feature("dom0", f, v));
        c.defaultDispvm().ifPresent(b::defaultDispvm);
        SimHost host = b.build();
        c.faults().ifPresent(spec -> host.faults().apply(spec));
        return host;
    }
}
