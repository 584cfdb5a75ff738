package dispool.emulator.diff;

import dispool.host.Clock;
import dispool.host.HostEvent;
import dispool.host.sim.SimHost;
import io.smallrye.mutiny.subscription.Cancellable;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * How close a run came to another count: every side hands out a preload still starting, so a
 * request is served from the pool exactly when a preload had begun (been created) before it and
 * no one else took it. The margin of a request served from the pool is how long before it its
 * preload began; of a cold one, how long after it the next preload began. The smallest margin of a
 * run, in host seconds, is its closest race: host time runs {@link Clock#scale} times faster than
 * real time, so a race of m host seconds is lost by m / scale seconds of thread scheduling.
 */
final class Races implements AutoCloseable {

    /** A request: when it was made (host nanos), what it got, and whether from the pool. */
    record Request(long at, String disposable, boolean preloaded) {
    }

    private final Clock clock;
    /** When each disposable was marked in progress (host nanos): preloads, and dispool's cold starts. */
    private final Map<String, Long> begun = new ConcurrentHashMap<>();
    private final Map<Integer, Request> requests = new ConcurrentHashMap<>();
    private final Cancellable events;
    /** When the script began (host nanos): a preload begun before it, at boot, raced no request. */
    private volatile long scriptBegan = Long.MAX_VALUE;

    Races(SimHost host) {
        this.clock = host.clock();
        this.events = host.events().subscribe().with(this::seen);
    }

    private void seen(HostEvent e) {
        if (e.name().endsWith("preload-dispvm-in-progress") && e.name().startsWith("domain-feature-set:")
                && "1".equals(e.kwargs().get("value"))) {
            begun.putIfAbsent(e.subject(), clock.nanos());
        }
    }

    /** The pool is full and the script begins. */
    void scriptBegins() {
        scriptBegan = clock.nanos();
    }

    long now() {
        return clock.nanos();
    }

    void request(int number, long at, Side.Served served) {
        requests.put(number, new Request(at, served.name(), served.preloaded()));
    }

    /** The smallest margin of any request, in host seconds; infinite when no preload raced any. */
    double closest() {
        Set<String> cold = requests.values().stream().filter(r -> !r.preloaded()).map(Request::disposable).collect(Collectors.toSet());
        Map<String, Long> preloads = begun.entrySet().stream().filter(e -> !cold.contains(e.getKey()) && e.getValue() >= scriptBegan)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        return requests.values().stream().mapToDouble(r -> margin(r, preloads)).min().orElse(Double.POSITIVE_INFINITY);
    }

    private static double margin(Request r, Map<String, Long> preloads) {
        if (r.preloaded()) {
            Long began = preloads.get(r.disposable());
            // begun at boot, before the script: no request raced it
            return began == null ? Double.POSITIVE_INFINITY : Math.abs(r.at() - began) / 1e9;
        }
        return preloads.values().stream().filter(b -> b >= r.at()).mapToDouble(b -> (b - r.at()) / 1e9).min()
                .orElse(Double.POSITIVE_INFINITY);
    }

    @Override
    public void close() {
        events.cancel();
    }
}
