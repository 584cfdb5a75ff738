package dispool.host.sim;

import dispool.host.QubesException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

/**
 * Fault injection per kind of call, changeable while the simulator runs: fail with a probability,
 * hang until released (or, for a service call, until its timeout), or run slower.
 *
 * <p>Spec syntax (config {@code dispool.sim.faults}): comma-separated {@code call:fault} pairs,
 * where call is one of {@code list property feature create start run-service pause unpause kill
 * remove} and fault is {@code fail=P} (probability 0..1), {@code hang}, or {@code slow=F} (latency
 * factor). Example: {@code start:fail=0.2,run-service:slow=3}.
 */
public final class Faults {

    private final Map<SimOp, Double> failProbability = new EnumMap<>(SimOp.class);
    private final Map<SimOp, Double> slowFactor = new EnumMap<>(SimOp.class);
    private final Map<SimOp, CountDownLatch> hangs = new EnumMap<>(SimOp.class);

    public synchronized Faults fail(SimOp op, double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("fault " + op.specName() + ": fail probability " + probability
                    + " refused: must be from 0 to 1");
        }
        failProbability.put(op, probability);
        return this;
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
                default -> throw new IllegalArgumentException("fault spec '" + part + "' refused: fault must be fail=P, hang or slow=F");
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
        double p = failProbability.getOrDefault(op, 0.0);
        if (p == 0) {
            return false;
        }
        synchronized (random) {
            return random.nextDouble() < p;
        }
    }

    synchronized double slowFactor(SimOp op) {
        return slowFactor.getOrDefault(op, 1.0);
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
