package dispool.chaos;

import dispool.host.QubesHost;
import dispool.host.sim.SimHost;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Checks, between the engine and the simulator, that no preload is started into the memory
 * preload-dispvm-threshold keeps free: at each preload's start the available figure, plus what
 * cold starts and other qubes took since the preload was admitted (the gate could not know), minus
 * what other preloads created but not yet started will take, minus the lowest threshold of that
 * window, must leave its memory. {@code slack} is how long before its create call a preload may
 * have been admitted.
 */
final class ThresholdWatch implements InvocationHandler {

    private record Pending(String template, long createdNanos) {
    }

    private record Change(long atNanos, long mib) {
    }

    private final SimHost sim;
    private final Map<String, Long> memoryOf;
    private final long slackNanos;
    private final Consumer<String> violation;
    private final Map<String, Pending> pending = new HashMap<>();
    private final List<Change> taken = new ArrayList<>();
    private final List<Change> thresholds = new ArrayList<>();
    private final AtomicLong checks = new AtomicLong();

    ThresholdWatch(SimHost sim, Map<String, Long> memoryOf, long thresholdMiB, Duration slack, Consumer<String> violation) {
        this.sim = sim;
        this.memoryOf = memoryOf;
        this.slackNanos = slack.toNanos();
        this.violation = violation;
        thresholds.add(new Change(Long.MIN_VALUE, thresholdMiB));
    }

    QubesHost host() {
        return (QubesHost) Proxy.newProxyInstance(QubesHost.class.getClassLoader(), new Class<?>[] {QubesHost.class}, this);
    }

    long checks() {
        return checks.get();
    }

    /** The driver is about to set dom0's preload-dispvm-threshold. */
    synchronized void thresholdChanging(long mib) {
        thresholds.add(new Change(sim.clock().nanos(), mib));
    }

    /** The driver is about to let other qubes take {@code mib} more. */
    synchronized void memoryTaking(long mib) {
        taken.add(new Change(sim.clock().nanos(), mib));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
        switch (m.getName()) {
            case "createDisposable" -> {
                long at = sim.clock().nanos();
                Map<String, String> features = (Map<String, String>) args[1];
                boolean preload = features.containsKey("internal");
                if (!preload) {
                    memoryTaking(memoryOf.getOrDefault((String) args[0], 0L)); // a cold start: not the gate's
                }
                String name = (String) call(m, args);
                if (preload) {
                    synchronized (this) {
                        pending.put(name, new Pending((String) args[0], at));
                    }
                }
                return name;
            }
            case "start" -> check((String) args[0]);
            case "kill", "remove" -> {
                synchronized (this) {
                    pending.remove((String) args[0]);
                }
            }
            default -> {
            }
        }
        return call(m, args);
    }

    private Object call(Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(sim, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private synchronized void check(String name) {
        Pending p = pending.remove(name);
        if (p == null) {
            return;
        }
        long since = p.createdNanos() - slackNanos;
        long available = sim.availableMemory().orElse(Long.MAX_VALUE) >> 20;
        long credit = taken.stream().filter(c -> c.atNanos() >= since).mapToLong(Change::mib).sum();
        long others = pending.values().stream().mapToLong(o -> memoryOf.getOrDefault(o.template(), 0L)).sum();
        long threshold = lowestThresholdSince(since);
        long need = memoryOf.getOrDefault(p.template(), 0L);
        checks.incrementAndGet();
        if (available + credit - others - threshold < need) {
            violation.accept("threshold: preload " + name + " of " + p.template() + " started with " + available
                    + " MiB available (+" + credit + " taken since its admission, -" + others + " for other preloads "
                    + "being started), threshold " + threshold + " MiB, needing " + need + " MiB");
        }
        taken.removeIf(c -> c.atNanos() < sim.clock().nanos() - 100 * slackNanos);
    }

    private long lowestThresholdSince(long since) {
        long lowest = Long.MAX_VALUE;
        Change before = thresholds.get(0);
        for (Change c : thresholds) {
            if (c.atNanos() < since) {
                before = c;
            } else {
                lowest = Math.min(lowest, c.mib());
            }
        }
        return Math.min(lowest, before.mib());
    }
}
