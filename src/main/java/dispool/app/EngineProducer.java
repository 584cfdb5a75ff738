package dispool.app;

import dispool.host.Clock;
import dispool.host.QubesHost;
import dispool.host.sim.SimHost;
import dispool.pool.Backoff;
import dispool.pool.DispoolEngine;
import dispool.pool.EngineSettings;
import dispool.pool.Marks;
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

    @Produces
    @Singleton
    QubesHost host(DispoolConfig config) {
        return switch (config.host()) {
            case sim -> simHost(config.sim());
        };
    }

    @Produces
    @Singleton
    DispoolEngine engine(QubesHost host, DispoolConfig config) {
        DispoolConfig.Engine e = config.engine();
        EngineSettings settings = new EngineSettings(Marks.qubes(),
                new Backoff(e.backoffInitial(), 2.0, e.backoffMax(), 0.1), e.resyncInterval(), e.memoryRetry(),
                e.suspendTimeout());
        return new DispoolEngine(host, settings);
    }

    void onStart(@Observes StartupEvent event, Instance<DispoolEngine> engines, DispoolConfig config) {
        if (!config.engine().enabled()) {
            return;
        }
        DispoolEngine engine = engines.get();
        engine.start();
        LOG.infof("dispool on the %s host (time scale %s): %d DVM templates, pools %s", config.host(),
                config.sim().timeScale(), engine.pools().size(),
                engine.pools().stream().map(p -> p.template() + " max " + p.max()).toList());
    }

    void onStop(@Observes ShutdownEvent event, Instance<DispoolEngine> engines, DispoolConfig config) {
        if (config.engine().enabled()) {
            engines.get().close();
        }
    }

    private static SimHost simHost(DispoolConfig.Sim c) {
        SimHost.Builder b = SimHost.builder()
                .clock(Clock.scaled(c.timeScale()))
                .totalMemoryMiB(c.totalMemoryMib())
                .dom0MemoryMiB(c.dom0MemoryMib());
        c.seed().ifPresent(b::seed);
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
