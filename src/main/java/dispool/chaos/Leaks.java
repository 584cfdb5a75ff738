package dispool.chaos;

import dispool.host.sim.SimHost;
import dispool.pool.DispoolEngine;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/** The leak check of chaos runs and soaks: every disposable the simulator created is pooled, held by a caller, or gone. */
final class Leaks {

    private Leaks() {
    }

    /** How many created disposables are on the host, neither in a pool nor in {@code held}; each is told to {@code report}. */
    static long count(SimHost sim, DispoolEngine engine, Set<String> held, Consumer<String> report) {
        Set<String> accounted = new HashSet<>(held);
        engine.pools().forEach(v -> v.preloads().forEach(p -> accounted.add(p.name())));
        Set<String> onHost = new HashSet<>();
        sim.listQubes().forEach(q -> onHost.add(q.name()));
        long leaked = 0;
        for (String name : sim.createdDisposables()) {
            if (onHost.contains(name) && !accounted.contains(name)) {
                leaked++;
                report.accept("leaked: " + name + " is on the host, neither handed out nor in a pool ("
                        + sim.qube(name).state() + ")");
            }
        }
        return leaked;
    }
}
