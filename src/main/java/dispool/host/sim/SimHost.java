package dispool.host.sim;

import dispool.host.Clock;
import dispool.host.HostEvent;
import dispool.host.PowerState;
import dispool.host.QubeInfo;
import dispool.host.QubesException;
import dispool.host.QubesHost;
import dispool.host.ServiceResult;
import dispool.host.VolumeInfo;
import dispool.host.memory.Qmemman;
import dispool.host.memory.QmemmanRules;
import io.smallrye.mutiny.Multi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An in-process Qubes R4.3 host: qubes with classes, properties, features and power states,
 * qmemman's view of memory ({@link Qmemman}: the published figure and a start's admission), Qubes' event stream, and a latency model calibrated on
 * Qubes' measurements ({@link LatencyModel}), boots sharing the CPUs when asked
 * ({@link SimHostBuilder#bootSlots}). It behaves like qubesd where dispool can tell:
 * the same errors (type and text), the same events in the same order (including the
 * {@code domain-unpaused} that every start fires), and auto-cleanup disposables that vanish when
 * killed or when their start fails.
 *
 * <p>State changes hold one lock; the simulated latencies are slept outside it, so many calls run
 * at once. Events are emitted after the change, outside the lock, and delivered on the
 * simulator's own event thread, as qubesd's stream arrives on a reader thread. Controls for tests and
 * the service's configuration ({@link #faults()}, {@link #setProperty}, {@link #resizeVolume},
 * {@link #dropEventStreams()}…) are beside the {@link QubesHost} methods.
 */
public final class SimHost implements QubesHost {

    private final SimCore core;
    private final SimVolumes volumes;
    private final SimLifecycle lifecycle;
    private volatile boolean memoryFigure = true;

    SimHost(SimHostBuilder b) {
        this.core = new SimCore(b);
        this.volumes = new SimVolumes(core);
        this.lifecycle = new SimLifecycle(core, volumes);
    }

    public static SimHostBuilder builder() {
        return new SimHostBuilder();
    }

    // ------------------------------------------------------------------ reading

    @Override
    public List<QubeInfo> listQubes() {
        core.count(SimOp.LIST, "dom0");
        synchronized (core.lock) {
            return core.inventory.list();
        }
    }

    @Override
    public QubeInfo qube(String name) {
        core.count(SimOp.LIST, name);
        synchronized (core.lock) {
            return core.require(name).info();
        }
    }

    @Override
    public String property(String qube, String property) {
        core.count(SimOp.PROPERTY, qube);
        synchronized (core.lock) {
            return core.inventory.property(qube, property);
        }
    }

    @Override
    public Map<String, String> properties(String qube) {
        core.count(SimOp.PROPERTY, qube);
        synchronized (core.lock) {
            return Map.copyOf(core.require(qube).properties);
        }
    }

    @Override
    public String globalProperty(String property) {
        core.count(SimOp.PROPERTY, "dom0");
        synchronized (core.lock) {
            return core.inventory.globalProperty(property);
        }
    }

    @Override
    public Optional<String> feature(String qube, String feature) {
        core.count(SimOp.FEATURE, qube);
        synchronized (core.lock) {
            return core.inventory.feature(qube, feature);
        }
    }

    @Override
    public VolumeInfo volume(String qube, String volume) {
        core.count(SimOp.PROPERTY, qube);
        synchronized (core.lock) {
            return volumes.volumeLocked(qube, volume);
        }
    }

    /** qmemman's published figure ({@link Qmemman}): what qubesd and dispool read, lagging the change. */
    @Override
    public OptionalLong availableMemory() {
        if (!memoryFigure) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(core.memory.publishedMiB() << 20);
    }

    @Override
    public String availableMemorySource() {
        return memoryFigure ? "simulator (qmemman model: " + (core.memory.rules() == QmemmanRules.SUM ? "sum of memory" : "qmemman rules")
                + ")" : "none (switched off in the simulator)";
    }

    /** What qmemman's model has the qube hold (a paused one: what it was paused with); 0 when it does not run. */
    @Override
    public long currentMemoryKiB(String qube) {
        core.count(SimOp.LIST, qube);
        synchronized (core.lock) {
            if (!core.require(qube).info().state().isActive()) {
                return 0;
            }
        }
        return core.memory.heldMiB(qube) * 1024;
    }

    /** What qmemman sees a qube hold now, in MiB (a paused one: what it was paused with). */
    public long heldMemoryMiB(String qube) {
        return core.memory.heldMiB(qube);
    }

    @Override
    public Clock clock() {
        return core.clock;
    }

    // ------------------------------------------------------------------ writing knobs

    @Override
    public void setFeature(String qube, String feature, String value) {
        core.count(SimOp.FEATURE, qube);
        HostEvent event;
        synchronized (core.lock) {
            event = core.inventory.setFeature(qube, feature, value);
        }
        emit(List.of(event));
    }

    @Override
    public void removeFeature(String qube, String feature) {
        core.count(SimOp.FEATURE, qube);
        Optional<HostEvent> event;
        synchronized (core.lock) {
            event = core.inventory.removeFeature(qube, feature);
        }
        event.ifPresent(e -> emit(List.of(e)));
    }

    @Override
    public void setGlobalProperty(String property, String value) {
        core.count(SimOp.PROPERTY, "dom0");
        HostEvent event;
        synchronized (core.lock) {
            event = core.inventory.setGlobalProperty(property, value);
        }
        emit(List.of(event));
    }

    /** Sets a property of a qube, as {@code qvm-prefs} would (no validation beyond existence). */
    public void setProperty(String qube, String property, String value) {
        List<HostEvent> events = new ArrayList<>();
        synchronized (core.lock) {
            String old = core.require(qube).properties.put(property, value);
            events.add(HostEvent.of(qube, "property-set:" + property, "name", property, "newvalue", value,
                    "oldvalue", old == null ? "" : old));
        }
        emit(events);
    }

    /**
     * Changes a template's content as an update does and fires the {@code domain-shutdown} that
     * ends it in Qubes: a TemplateVM's root (running disposables based on it report their root
     * outdated), or a DVM template's private (its running disposables report their private
     * outdated). The qube must be halted, as after the update's shutdown.
     */
    public void updateTemplate(String qube) {
        synchronized (core.lock) {
            SimQube q = core.require(qube);
            if (q.state != PowerState.Halted) {
                throw new QubesException(QubesException.NOT_HALTED, "Domain is not powered off: '" + qube + "'");
            }
            String volume = "TemplateVM".equals(q.klass) ? "root" : "private";
            q.revisions.merge(volume, 1L, Long::sum);
        }
        emit(List.of(HostEvent.of(qube, "domain-shutdown")));
    }

    /** Resizes a volume, as {@code qvm-volume resize}; Qubes fires no event a pool manager sees. */
    public void resizeVolume(String qube, String volume, long bytes) {
        synchronized (core.lock) {
            core.require(qube).volumes.put(volume, bytes);
        }
    }

    // ------------------------------------------------------------------ lifecycle ({@link SimLifecycle})

    @Override
    public String createDisposable(String dvmTemplate, Map<String, String> features) {
        return lifecycle.createDisposable(dvmTemplate, null, features);
    }

    /**
     * {@code admin.vm.Create.DispVM} with {@code name=}: a disposable named by its creator, without
     * auto-cleanup until it is set (qubesd's default for a disposable it did not name). {@code name}
     * null: qubesd's own {@code dispN} with auto-cleanup, as {@code admin.vm.CreateDisposable}.
     */
    public String createDisposable(String dvmTemplate, String named, Map<String, String> features) {
        return lifecycle.createDisposable(dvmTemplate, named, features);
    }

    @Override
    public void start(String qube) {
        lifecycle.start(qube);
    }

    @Override
    public ServiceResult runService(String qube, String service, Duration timeout) {
        return lifecycle.runService(qube, service, timeout);
    }

    @Override
    public void pause(String qube) {
        lifecycle.pause(qube);
    }

    @Override
    public void unpause(String qube) {
        lifecycle.unpause(qube);
    }

    @Override
    public void kill(String qube) {
        lifecycle.kill(qube);
    }

    @Override
    public void remove(String qube) {
        lifecycle.remove(qube);
    }

    // ------------------------------------------------------------------ events

    /** Delivered on the simulator's own event thread, in order ({@link EventFeed}). */
    @Override
    public Multi<HostEvent> events() {
        return Multi.createFrom().deferred(() -> core.faults.isDown()
                ? Multi.createFrom().failure(new QubesException(QubesException.GENERIC, "simulated qubesd restart: events refused"))
                : core.feed.events());
    }

    /**
     * As a qubesd restart: every event the host makes while {@code whileDown} runs is lost, then
     * every stream reconnects and says {@code connection-established} again (as the qubesd
     * host's reconnecting stream does).
     */
    public void dropEventStreams(Runnable whileDown) {
        core.feed.drop(whileDown);
    }

    /**
     * A qubesd restart: its state is kept, its connections are cut. While {@code whileDown} runs
     * every call is refused and every event is lost; then the streams say connection-established.
     */
    public void restartQubesd(Runnable whileDown) {
        dropEventStreams(() -> {
            core.faults.down(true);
            try {
                whileDown.run();
            } finally {
                core.faults.down(false);
            }
        });
    }

    /** Other core.qubes take (or give back) memory: the available figure drops by {@code mib} until set to 0. */
    public void memoryTakenByOthers(long mib) {
        core.memory.takenByOthers(mib);
    }

    /** A property as it is now, read past every fault (for checks beside a run with core.faults on). */
    public Optional<String> peekProperty(String qube, String property) {
        synchronized (core.lock) {
            SimQube q = core.qubes.get(qube);
            return q == null ? Optional.empty() : Optional.ofNullable(q.properties.get(property));
        }
    }

    /** Which creation the qube of this name is (1 for the first disposable core.created here); 0 for none. */
    public long creationSerial(String name) {
        synchronized (core.lock) {
            return core.creationSerial.getOrDefault(name, 0L);
        }
    }

    /** Every disposable core.created on this host so far (including those since removed), in order. */
    public List<String> createdDisposables() {
        synchronized (core.lock) {
            return List.copyOf(core.created);
        }
    }

    /** A qubesd restart during which nothing happened. */
    public void dropEventStreams() {
        dropEventStreams(() -> { });
    }

    /** Sends an event again, late, as a slow event stream would deliver it after the state moved on. */
    public void replayEvent(HostEvent event) {
        emit(List.of(event));
    }

    private void emit(List<HostEvent> events) {
        core.emit(events);
    }

    // ------------------------------------------------------------------ controls and queries

    public Faults faults() {
        return core.faults;
    }

    /** Every feature of a qube, name to value (as admin.vm.feature.List and Get; for the emulator). */
    public Map<String, String> features(String qube) {
        synchronized (core.lock) {
            return Map.copyOf(core.require(qube).features);
        }
    }

    /** The names of a qube's volumes (as admin.vm.volume.List; for the emulator). */
    public List<String> volumeNames(String qube) {
        synchronized (core.lock) {
            return List.copyOf(core.require(qube).volumes.keySet());
        }
    }

    /** Switches the available-memory figure off (as on a host without qmemman's file) or on. */
    public void availableMemoryFigure(boolean on) {
        memoryFigure = on;
    }

    /** True once core.qubes.WaitForRunningSystem returned 0 in the qube's current boot. */
    public boolean isOperational(String qube) {
        synchronized (core.lock) {
            SimQube q = core.qubes.get(qube);
            return q != null && q.operational;
        }
    }

    /** How many core.calls of this kind the host served (or refused) so far. */
    public long calls(SimOp op) {
        return core.calls.get(op).get();
    }

    void addQube(SimQube q) {
        core.inventory.add(q);
    }

    void setGlobal(String name, String value) {
        core.globals.put(name, value);
    }
}
