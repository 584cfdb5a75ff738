package dispool.host.sim;

import dispool.host.Clock;
import dispool.host.HostEvent;
import dispool.host.QubesException;
import dispool.host.memory.Qmemman;
import dispool.host.model.DispIds;
import dispool.host.model.EventFeed;
import dispool.host.model.Inventory;
import dispool.host.sim.LatencyModel.Step;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The state one simulated host shares between its parts ({@link SimHost}, {@link SimLifecycle},
 * {@link SimVolumes}): the model under its one lock, the clock, latencies and faults, the event
 * feed and qmemman's view of memory ({@link Qmemman}), with the helpers every call goes through.
 */
final class SimCore {

    /**
     * With {@link SimHostBuilder#reuseDispIds()}, how many other disposables must be freed before an id
     * is drawn again: a caller still holding an old name (say, removing what it was handed) must
     * never reach a new qube of the same name. Half the 10,000 ids, so a random draw still finds a
     * free one at once.
     */
    static final int DISPID_COOLING = 5_000;

    final Object lock = new Object();
    /** The model; {@link #qubes} and {@link #globals} are its maps. Guarded by {@link #lock}. */
    final Inventory<SimQube> inventory;
    final Map<String, SimQube> qubes;
    final Map<String, String> globals;
    final Clock clock;
    final LatencyModel latency;
    final Random random;
    final Faults faults = new Faults();
    /** Boots at full speed at once ({@link SimHostBuilder#bootSlots}); 0: no contention. */
    final int bootSlots;
    final Map<SimOp, AtomicLong> calls = new EnumMap<>(SimOp.class);
    final EventFeed feed = new EventFeed("sim-events");
    /** qmemman's view: what the host publishes as available and what a start can get. */
    final Qmemman memory;
    /** Every disposable ever created here, in order: what a leak check compares against. Guarded by {@link #lock}. */
    final Set<String> created = new LinkedHashSet<>();
    /** Per name, the serial of its latest creation (a name comes back with reused ids). Guarded by {@link #lock}. */
    final Map<String, Long> creationSerial = new HashMap<>();
    long creations;

    SimCore(SimHostBuilder b) {
        this.clock = b.clock;
        this.latency = b.latency;
        this.random = new Random(b.seed);
        this.memory = new Qmemman(b.memoryRules, b.totalMiB, b.dom0MiB, clock::nanos);
        this.inventory = new Inventory<>(b.reuseDispIds ? DispIds.reusedAfterFreed(clock::nanos, random, DISPID_COOLING)
                : DispIds.qubesd(clock::nanos, random));
        this.qubes = inventory.qubes;
        this.globals = inventory.globals;
        this.bootSlots = b.bootSlots;
        for (SimOp op : SimOp.values()) {
            calls.put(op, new AtomicLong());
        }
    }

    SimQube require(String name) {
        return inventory.require(name);
    }

    void count(SimOp op, String qube) {
        calls.get(op).incrementAndGet();
        faults.failIfDown(op, qube);
        faults.awaitRelease(op, qube);
    }

    /** Counts the call, waits out a hang, and throws when the fault plan says it fails. */
    void call(SimOp op, String qube) {
        count(op, qube);
        if (op != SimOp.START && faults.shouldFail(op, random)) {
            throw new QubesException(QubesException.GENERIC, "simulated " + op.specName() + " failure for " + qube);
        }
    }

    void sleep(SimOp op, Step step, double factor, String qube) {
        sleep(latency.draw(step, factor * faults.slowFactor(op), random), qube);
    }

    void sleep(Duration hostTime, String qube) {
        try {
            clock.sleep(hostTime);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QubesException(QubesException.GENERIC, "call about " + qube + " interrupted");
        }
    }

    void emit(List<HostEvent> events) {
        feed.emit(events);
    }
}
