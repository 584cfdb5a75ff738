package dispool.host.sim;

import dispool.host.QubesException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault injection per kind of call, changeable while the simulator runs: fail with a probability,
 * hang until released (or, for a service call, until its timeout), time out with a probability (a
 * service call: qrexec gives up after the caller's timeout), or run slower. {@link #down} makes
 * every call fail at once, as while qubesd restarts (see {@link SimHost#restartQubesd}).
 *
 * <p>Spec syntax (config {@code dispool.sim.faults}): comma-separated {@code call:fault} pairs,
 * where call is one of {@code list property feature create start run-service pause unpause kill
 * remove} and fault is {@code fail=P} (probability 0..1), {@code hang}, {@code timeout=P}
 * (run-service only) or {@code slow=F} (latency factor). Example:
 * {@code start:fail=0.2,run-service:timeout=0.1,run-service:slow=3}.
 */
public final class Faults {

    private final Map<SimOp, Double> failProbability = new EnumMap<>(SimOp.class);
    private final Map<SimOp, Integer> failuresLeft = new EnumMap<>(SimOp.class);
    private final Map<SimOp, Double> slowFactor = new EnumMap<>(SimOp.class);
    private final Map<SimOp, CountDownLatch> hangs = new EnumMap<>(SimOp.class);
    private final Map<SimOp, Double> timeoutProbability = new EnumMap<>(SimOp.class);
    private volatile boolean down;
    private final Map<String, AtomicLong> fired = new ConcurrentHashMap<>();

    public synchronized Faults fail(SimOp op, double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("fault " + op.specName() + ": fail probability " + probability
                    + " refused: must be from 0 to 1");
        }
        failProbability.put(op, probability);
        return this;
    }

    /**
     * The next {@code count} calls of {@code op} fail, whenever they come: a fault that does not
     * depend on when a call lands relative to a time window, so runs on a loaded machine fail the
     * same calls (the differential's start failures).
     */
    public synchronized Faults failNext(SimOp op, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("fault " + op.specName() + ": " + count + " failures refused: must be 0 or more");
        }
        failuresLeft.put(op, count);
        return this;
    }

    /** A {@code run-service} call waits out its timeout and fails with probability {@code p}. */
    public synchronized Faults timeout(SimOp op, double probability) {
        if (op != SimOp.RUN_SERVICE) {
            throw new IllegalArgumentException("fault " + op.specName() + ":timeout refused: only run-service has a timeout");
        }
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("fault run-service: timeout probability " + probability
                    + " refused: must be from 0 to 1");
        }
        timeoutProbability.put(op, probability);
        return this;
    }

    /** While down, every call fails as qubesd's socket would while qubesd restarts. */
    public Faults down(boolean on) {
        down = on;
        return this;
    }

    public boolean isDown() {
        return down;
    }

    /** Every later call of {@code op} blocks until {@link #release} or {@link #clear}. */
    public synchronized Faults hang(SimOp op) {
        hangs.putIfAbsent(op, new CountDownLatch(1));
        return this;
    }

    public synchronized Faults slow(SimOp op, double factor) {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("fault " + op.specName() + ": slow factor " + factor + " refused: must be > 0");
        }
        slowFactor.put(op, factor);
        return this;
    }

    public synchronized void release(SimOp op) {
        CountDownLatch latch = hangs.remove(op);
        if (latch != null) {
            latch.countDown();
        }
    }

    /** Removes every fault and releases every hung call. */
    public synchronized void clear() {
        failProbability.clear();
        failuresLeft.clear();
        timeoutProbability.clear();
        down = false;
        slowFactor.clear();
        hangs.values().forEach(CountDownLatch::countDown);
        hangs.clear();
    }

    /** Applies a spec such as {@code start:fail=0.2,run-service:hang}; throws naming the bad part. */
    public Faults apply(String spec) {
        for (String part : spec.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] callFault = part.split(":", 2);
            if (callFault.length != 2) {
                throw new IllegalArgumentException("fault spec '" + part + "' refused: expected call:fault, e.g. start:fail=0.2");
            }
            SimOp op = SimOp.fromSpec(callFault[0]);
            String[] kv = callFault[1].trim().split("=", 2);
            switch (kv[0]) {
                case "hang" -> hang(op);
                case "fail" -> fail(op, number(part, kv));
                case "slow" -> slow(op, number(part, kv));
                case "timeout" -> timeout(op, number(part, kv));
                default -> throw new IllegalArgumentException("fault spec '" + part
                        + "' refused: fault must be fail=P, hang, timeout=P or slow=F");
            }
        }
        return this;
    }

    private static double number(String part, String[] kv) {
        try {
            return Double.parseDouble(kv.length == 2 ? kv[1] : "");
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fault spec '" + part + "' refused: '" + (kv.length == 2 ? kv[1] : "")
                    + "' is not a number");
        }
    }

    synchronized boolean shouldFail(SimOp op, Random random) {
        int left = failuresLeft.getOrDefault(op, 0);
        if (left > 0) {
            failuresLeft.put(op, left - 1);
            return count(true, op.specName() + ":fail");
        }
        double p = failProbability.getOrDefault(op, 0.0);
        if (p == 0) {
            return false;
        }
        synchronized (random) {
            return count(random.nextDouble() < p, op.specName() + ":fail");
        }
    }

    private boolean count(boolean fires, String kind) {
        if (fires) {
            fired.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        }
        return fires;
    }

    /** How often each fault fired so far, by kind ({@code start:fail}, {@code run-service:timeout}, {@code down}…). */
    public Map<String, Long> fired() {
        Map<String, Long> out = new TreeMap<>();
        fired.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    synchronized boolean shouldTimeOut(SimOp op, Random random) {
        double p = timeoutProbability.getOrDefault(op, 0.0);
        if (p == 0) {
            return false;
        }
        synchronized (random) {
            return count(random.nextDouble() < p, op.specName() + ":timeout");
        }
    }

    /** Throws as a call to a restarting qubesd does. */
    void failIfDown(SimOp op, String qube) {
        if (count(down, "qubesd-down")) {
            throw new QubesException(QubesException.GENERIC, "simulated qubesd restart: " + op.specName() + " of " + qube
                    + " refused, connection reset");
        }
    }

    synchronized double slowFactor(SimOp op) {
        double f = slowFactor.getOrDefault(op, 1.0);
        count(f != 1.0, op.specName() + ":slow");
        return f;
    }

    synchronized CountDownLatch hang(SimOp op, boolean peek) {
        return hangs.get(op);
    }

    /** Blocks while {@code op} is hung; an interrupt ends the wait with an error, flag kept. */
    void awaitRelease(SimOp op, String qube) {
        CountDownLatch latch = hang(op, true);
        if (latch == null) {
            return;
        }
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QubesException(QubesException.GENERIC, "simulated " + op.specName() + " of " + qube + " interrupted");
        }
    }
}
