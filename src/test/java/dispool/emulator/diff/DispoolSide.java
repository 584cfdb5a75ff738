package dispool.emulator.diff;

import dispool.app.EngineProducer;
import dispool.host.QubesHost;
import dispool.host.sim.SimHost;
import dispool.pool.DispoolEngine;
import dispool.pool.EngineSettings;
import dispool.pool.Marks;
import dispool.pool.PoolEvent;
import dispool.pool.PoolView;
import dispool.pool.PreloadOwner;
import dispool.pool.PreloadState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * dispool's engine preloading in managed mode on the simulated host, which does not preload by
 * itself (as qubesd R4.2): what dispool gives a user where qubesd gives nothing.
 */
final class DispoolSide implements Side {

    private final SimHost host;
    private final String dvm;
    private final QubesHost engineHost;
    private final PreloadOwner owner;
    private final List<String> discards = new CopyOnWriteArrayList<>();
    private volatile DispoolEngine engine;
    /** Restarts of dispool so far: a request that fails across one is cut by it, not refused. */
    private volatile int restarts;

    DispoolSide(SimHost host, String dvm) {
        this(host, dvm, host, PreloadOwner.DISPOOL);
    }

    /** dispool's engine on {@code engineHost} (the simulator, or qubesd's natively preloading view of it), as {@code owner}. */
    DispoolSide(SimHost host, String dvm, QubesHost engineHost, PreloadOwner owner) {
        this.host = host;
        this.dvm = dvm;
        this.engineHost = engineHost;
        this.owner = owner;
        this.engine = newEngine();
    }

    private DispoolEngine newEngine() {
        EngineSettings d = EngineSettings.defaults();
        // Beside a qubesd that preloads, dispool keeps its bookkeeping under its own names, as the
        // service does on a Qubes host (EngineProducer): with qubesd's names it would adopt qubesd's
        // preloads at start and write qubesd's list, putting a preload already handed out back on it.
        Marks marks = owner == PreloadOwner.HOST ? Marks.prefixed(EngineProducer.QUBESD_MARKS_PREFIX) : d.marks();
        // qubesd has no cold-start limit: the differential compares refill rules, not dispool's admission
        DispoolEngine e = new DispoolEngine(engineHost, new EngineSettings(marks, d.backoff(), Duration.ofSeconds(60),
                d.memoryRetry(), d.suspendTimeout(), owner).withLimits(new EngineSettings.WorkLimits(64, 32)));
        e.events().addListener(ev -> {
            if (ev.type() == PoolEvent.Type.PRELOAD_DISCARDED || ev.type() == PoolEvent.Type.PRELOAD_FAILED) {
                discards.add(ev.reason());
            }
        });
        return e;
    }

    @Override
    public String label() {
        return owner == PreloadOwner.DISPOOL ? "dispool managed" : "dispool native";
    }

    @Override
    public String dvm() {
        return dvm;
    }

    @Override
    public SimHost host() {
        return host;
    }

    @Override
    public void boot() {
        engine.start();
    }

    @Override
    public Served request(String template) {
        int before = restarts;
        try {
            var h = engine.handOutOnCallerThread(template);
            return new Served(h.name(), h.preloaded());
        } catch (RuntimeException e) {
            if (restarts == before) {
                throw e;
            }
            // Cut by a restart of dispool: on a host the caller's connection drops and the new
            // process's recovery removes the disposable it was starting (it is no preload and was
            // never handed out); the user runs the request again, as ReferenceSide does after a
            // restart of qubesd.
            DispoolEngine restarted;
            synchronized (this) { // the restart is over once its lock is free
                restarted = engine;
            }
            var h = restarted.handOutOnCallerThread(template);
            return new Served(h.name(), h.preloaded());
        }
    }

    /** Ready and starting preloads nobody claimed, as qubesd's list. */
    @Override
    public int held(String template) {
        PoolView pool = engine.pool(template);
        return pool.ready() + pool.starting();
    }

    @Override
    public int ready(String template) {
        return engine.pool(template).ready();
    }

    /** The named ready and starting preloads (a preload being created has no name yet). */
    @Override
    public List<String> heldNames(String template) {
        return engine.pool(template).preloads().stream()
                .filter(p -> p.name() != null && (p.state() == PreloadState.READY || p.state().isStarting()))
                .map(PoolView.PreloadView::name).toList();
    }

    @Override
    public List<String> discards() {
        return List.copyOf(discards);
    }

    /** The service stops and starts again: a new engine recovers its pools from the host. */
    @Override
    public synchronized void restartDispool() {
        restarts++;
        engine.close();
        DispoolEngine next = newEngine();
        next.start();
        engine = next;
    }

    /** qubesd restarts under dispool: its event stream breaks and dispool reconnects. */
    @Override
    public void restartQubesd() {
        host.dropEventStreams();
    }

    /**
     * Before the host sleeps; {@link #resume} waits for it (both synchronized): systemd runs the
     * post-sleep hooks only after the pre-sleep ones returned, while the workload's timed steps
     * would otherwise let a late drain and the resume overlap on a loaded machine.
     */
    @Override
    public synchronized void suspend() {
        engine.suspend().await().atMost(Duration.ofSeconds(30));
    }

    @Override
    public synchronized void resume() {
        engine.resume();
    }

    @Override
    public void close() {
        engine.close();
    }
}
