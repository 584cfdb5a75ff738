package dispool.app;

import dispool.advice.HistoryRecorder;
import dispool.advice.HistoryStore;
import dispool.advice.LiveAdvice;
import dispool.pool.DispoolEngine;
import dispool.pool.DispoolException;
import dispool.pool.PoolView;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Records the engine's hand-outs into the history and answers advice per template from it. The
 * recorder is attached before the engine starts (an earlier startup observer than the engine's),
 * so restart recovery's events are recorded too.
 */
@ApplicationScoped
public class LiveAdviceService {

    private static final Logger LOG = Logger.getLogger(LiveAdviceService.class);
    static final String FILE = "history.jsonl";

    private record Cached(long atNanos, LiveAdvice.Report report) {
    }

    @Inject
    HistoryConfig config;

    @Inject
    DispoolConfig dispool;

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Set<String> gauged = ConcurrentHashMap.newKeySet();
    private volatile DispoolEngine engine;
    private volatile HistoryStore store;
    private volatile HistoryRecorder recorder;

    void onStart(@Observes @Priority(1000) StartupEvent event, DispoolEngine engine, MeterRegistry registry) {
        if (!dispool.engine().enabled()) {
            return;
        }
        this.engine = engine;
        store = open();
        recorder = new HistoryRecorder(store, () -> engine.clock().millis(), System.currentTimeMillis());
        engine.events().addListener(recorder);
        engine.events().addListener(e -> gauge(e.template(), registry));
        engine.pools().forEach(p -> gauge(p.template(), registry));
    }

    void onStop(@Observes ShutdownEvent event) {
        if (store != null) {
            store.close();
        }
    }

    /**
     * The template's advice now.
     *
     * @param missTarget a share above 0 and below 1, or null for {@code dispool.history.miss-target}
     */
    public LiveAdvice.Report advice(String template, String missTarget) {
        if (engine == null) {
            throw new DispoolException(DispoolException.Kind.UNAVAILABLE, "no advice: the engine is off "
                    + "(dispool.engine.enabled=false), so no hand-out history is recorded", null);
        }
        double target = missTarget == null || missTarget.isBlank() ? config.missTarget() : share(missTarget);
        PoolView pool = engine.pool(template);
        LiveAdvice.Inputs in = new LiveAdvice.Inputs(pool.max(), pool.memoryMiB(), pool.delaySeconds(), target,
                config.burstGap());
        long now = recorder.toHistoryMillis(engine.clock().millis());
        return LiveAdvice.advise(template, store.entries(template), now, in);
    }

    private static double share(String value) {
        double target;
        try {
            target = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            target = Double.NaN;
        }
        if (!(target > 0 && target < 1)) {
            throw DispoolException.invalid("miss-target", value, "a share above 0 and below 1, "
                    + "e.g. 0.01 for 1%", "miss-target '" + value + "' refused: must be a share above 0 and below 1, "
                    + "e.g. 0.01 for 1%");
        }
        return target;
    }

    private HistoryStore open() {
        if (!config.persist()) {
            return HistoryStore.inMemory(config.maxEntries());
        }
        try {
            return HistoryStore.open(config.dir().resolve(FILE), config.maxBytes(), config.maxEntries());
        } catch (IOException | RuntimeException e) {
            LOG.warnf("hand-out history: %s cannot be used (%s); keeping it in memory only until restart. Set "
                    + "dispool.history.dir to a writable directory, or dispool.history.persist=false.",
                    config.dir().resolve(FILE), e.getMessage());
            return HistoryStore.inMemory(config.maxEntries());
        }
    }

    /** The recommended max per template, replayed at most every {@code dispool.history.advice-refresh}; NaN: none yet. */
    private void gauge(String template, MeterRegistry registry) {
        if (template != null && gauged.add(template)) {
            Gauge.builder("dispool.pool.advice.max", this, s -> s.recommended(template)).tag("template", template)
                    .description("preload-dispvm-max the live advice recommends (see GET /api/v1/pools/{t}/advice)")
                    .register(registry);
        }
    }

    private double recommended(String template) {
        long now = System.nanoTime();
        Cached c = cache.get(template);
        if (c == null || now - c.atNanos() > config.adviceRefresh().toNanos()) {
            try {
                c = new Cached(now, advice(template, null));
            } catch (DispoolException e) {
                return Double.NaN;
            }
            cache.put(template, c);
        }
        Integer max = c.report().recommendedMax();
        return max == null ? Double.NaN : max;
    }
}
