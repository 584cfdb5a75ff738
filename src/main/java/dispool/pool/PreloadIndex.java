package dispool.pool;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/** Finds pools by template and preloads by qube name, for host events and API calls. */
final class PreloadIndex {

    private final ConcurrentHashMap<String, Pool> pools = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Preload> byName = new ConcurrentHashMap<>();

    Pool pool(String template) {
        return pools.get(template);
    }

    Pool poolOrCreate(String template, java.util.function.Function<String, Pool> factory) {
        return pools.computeIfAbsent(template, factory);
    }

    /** Forgets a pool that no longer holds anything (its template is gone or no DVM template). */
    void dropIfEmpty(Pool pool) {
        if (pool.preloads.isEmpty()) {
            pools.remove(pool.template, pool);
        }
    }

    Collection<Pool> pools() {
        return pools.values();
    }

    void put(Preload p) {
        byName.put(p.name, p);
    }

    void remove(Preload p) {
        if (p.name != null) {
            byName.remove(p.name, p);
        }
    }

    Preload preload(String qube) {
        return byName.get(qube);
    }
}
