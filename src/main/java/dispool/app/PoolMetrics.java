package dispool.app;

import dispool.pool.DispoolEngine;
import dispool.pool.PoolEvent;
import dispool.pool.PoolView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Prometheus metrics (at /q/metrics), fed by the engine's events, tagged by DVM template:
 * hand-outs (preloaded or cold) and their request-to-usable time in host time, preload
 * failures, discards, uses outside dispool and memory waits, and each pool's max, ready and
 * starting, and the memory its paused preloads hold ({@code dispool_preload_memory_bytes}).
 */
@ApplicationScoped
public class PoolMetrics {

    private final Set<String> gauged = ConcurrentHashMap.newKeySet();
    private final Map<String, Timer> preloadedTimers = new ConcurrentHashMap<>();
    private final Map<String, Timer> coldTimers = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    void onStart(@Observes StartupEvent event, DispoolEngine engine, MeterRegistry registry) {
        engine.events().addListener(e -> record(e, engine, registry));
        engine.pools().forEach(p -> gauges(p.template(), engine, registry));
    }

    private void record(PoolEvent e, DispoolEngine engine, MeterRegistry registry) {
        String t = e.template();
        switch (e.type()) {
            case HANDED_OUT -> {
                boolean preloaded = Boolean.TRUE.equals(e.data().get("preloaded"));
                handOutTimer(t, preloaded, registry)
                        .record(Duration.ofNanos((long) (((Number) e.data().get("usableAfterMs")).doubleValue() * 1e6)));
            }
            case PRELOAD_FAILED, PRELOAD_DISCARDED, MEMORY_WAIT, USED_ELSEWHERE ->
                    counters.computeIfAbsent(e.type().name() + '\0' + t, k -> Counter.builder("dispool.preload."
                            + e.type().name().toLowerCase().replace('_', '.')).tag("template", t).register(registry))
                            .increment();
            default -> { }
        }
        gauges(t, engine, registry);
    }

    /** Built once per template and kind: a hand-out event then costs a map read, not a builder, tags and a registry lookup. */
    private Timer handOutTimer(String template, boolean preloaded, MeterRegistry registry) {
        Map<String, Timer> timers = preloaded ? preloadedTimers : coldTimers;
        Timer timer = timers.get(template);
        return timer != null ? timer : timers.computeIfAbsent(template, k -> Timer.builder("dispool.handout")
                .description("request to usable disposable, host time")
                .tags("template", template, "kind", preloaded ? "preloaded" : "cold").publishPercentileHistogram()
                .register(registry));
    }

    /** Registers a pool's gauges once; they read the engine's memory at scrape time, never the host. */
    private void gauges(String template, DispoolEngine engine, MeterRegistry registry) {
        if (template != null && gauged.add(template)) {
            gauge(registry, engine, "dispool.pool.max", template, PoolView::max);
            gauge(registry, engine, "dispool.pool.ready", template, PoolView::ready);
            gauge(registry, engine, "dispool.pool.starting", template, PoolView::starting);
            // row 14: what paused preloads keep from other qubes, read once each is paused, not per scrape
            Gauge.builder("dispool.preload.memory", engine, e -> e.pools().stream().filter(p -> p.template().equals(template))
                    .mapToDouble(p -> p.pausedMemoryMiB() * 1024.0 * 1024.0).findFirst().orElse(0))
                    .description("memory held by the pool's paused preloads (admin.vm.CurrentState)")
                    .baseUnit("bytes").tag("template", template).register(registry);
        }
    }

    private static void gauge(MeterRegistry registry, DispoolEngine engine, String name, String template,
            ToDoubleFunction<PoolView> f) {
        Gauge.builder(name, engine, e -> e.pools().stream().filter(p -> p.template().equals(template))
                .mapToDouble(f).findFirst().orElse(0)).tag("template", template).register(registry);
    }
}
