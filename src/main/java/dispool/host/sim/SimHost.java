package dispool.host.sim;

import dispool.host.Clock;
import dispool.host.HostEvent;
import dispool.host.PowerState;
import dispool.host.QubeInfo;
import dispool.host.QubesException;
import dispool.host.QubesHost;
import dispool.host.ServiceResult;
import dispool.host.ServiceTimeoutException;
import dispool.host.VolumeInfo;
import dispool.host.sim.LatencyModel.Step;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process Qubes R4.3 host: qubes with classes, properties, features and power states, a
 * qmemman-style available-memory figure, Qubes' event stream, and a latency model calibrated on
 * Qubes' measurements ({@link LatencyModel}), boots sharing the CPUs when asked
 * ({@link Builder#bootSlots}). It behaves like qubesd where dispool can tell:
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

    static final long QMEMMAN_RESERVE_MIB = 50;
    /**
     * With reused ids, how many other disposables must be freed before an id is drawn again: a
     * caller still holding an old name (say, removing what it was handed) must never reach a new
     * qube of the same name. Half the 10,000 ids, so a random draw still finds a free one at once.
     */
    static final int DISPID_COOLING = 5_000;

    private final Object lock = new Object();
    private final Map<String, SimQube> qubes = new LinkedHashMap<>();
    private final Map<String, String> globals = new LinkedHashMap<>();
    private final Clock clock;
    private final LatencyModel latency;
    private final Random random;
    private final long totalMiB;
    private final long dom0MiB;
    private final Faults faults = new Faults();
    private final Set<Integer> usedDispIds = new HashSet<>();
    private final boolean reuseDispIds;
    /** Boots at full speed at once ({@link Builder#bootSlots}); 0: no contention. */
    private final int bootSlots;
    /** Freed ids wait here, oldest first, before they can be drawn again (see {@link Builder#reuseDispIds()}). */
    private final ArrayDeque<Integer> coolingDispIds = new ArrayDeque<>();
    private final Map<SimOp, AtomicLong> calls = new EnumMap<>(SimOp.class);
    private final List<MultiEmitter<? super HostEvent>> subscribers = new CopyOnWriteArrayList<>();
    /** One thread, first in first out; it ends when idle, so a forgotten simulator leaves no thread. */
    private final ThreadPoolExecutor eventThread = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "sim-events");
                t.setDaemon(true);
                return t;
            });
    /** Touched only on the event thread. */
    private boolean streamsDown;
    private volatile boolean memoryFigure = true;
    /** Memory held by qubes outside the inventory (a fault: other qubes took it), in MiB. */
    private long takenByOthersMiB;
    /** Every disposable ever created here, in order: what a leak check compares against. */
    private final Set<String> created = new LinkedHashSet<>();
    /** Per name, the serial of its latest creation (a name comes back with reused ids). */
    private final Map<String, Long> creationSerial = new HashMap<>();
    private long creations;

    private SimHost(Builder b) {
        this.clock = b.clock;
        this.latency = b.latency;
        this.random = new Random(b.seed);
        this.totalMiB = b.totalMiB;
        this.dom0MiB = b.dom0MiB;
        this.reuseDispIds = b.reuseDispIds;
        this.bootSlots = b.bootSlots;
        eventThread.allowCoreThreadTimeOut(true);
        for (SimOp op : SimOp.values()) {
            calls.put(op, new AtomicLong());
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ reading

    @Override
    public List<QubeInfo> listQubes() {
        count(SimOp.LIST, "dom0");
        synchronized (lock) {
            List<QubeInfo> out = new ArrayList<>();
            qubes.values().forEach(q -> out.add(new QubeInfo(q.name, q.klass, q.state)));
            return out;
        }
    }

    @Override
    public QubeInfo qube(String name) {
        count(SimOp.LIST, name);
        synchronized (lock) {
            SimQube q = require(name);
            return new QubeInfo(q.name, q.klass, q.state);
        }
    }

    @Override
    public String property(String qube, String property) {
        count(SimOp.PROPERTY, qube);
        synchronized (lock) {
            String v = require(qube).properties.get(property);
            if (v == null) {
                throw new QubesException(QubesException.NO_SUCH_PROPERTY, "Invalid property '" + property + "' of " + qube);
            }
            return v;
        }
    }

    @Override
    public Map<String, String> properties(String qube) {
        count(SimOp.PROPERTY, qube);
        synchronized (lock) {
            return Map.copyOf(require(qube).properties);
        }
    }

    @Override
    public String globalProperty(String property) {
        count(SimOp.PROPERTY, "dom0");
        synchronized (lock) {
            String v = globals.get(property);
            if (v == null) {
                throw new QubesException(QubesException.NO_SUCH_PROPERTY, "Invalid property '" + property + "' of dom0");
            }
            return v;
        }
    }

    @Override
    public Optional<String> feature(String qube, String feature) {
        count(SimOp.FEATURE, qube);
        synchronized (lock) {
            return Optional.ofNullable(require(qube).features.get(feature));
        }
    }

    @Override
    public VolumeInfo volume(String qube, String volume) {
        count(SimOp.PROPERTY, qube);
        synchronized (lock) {
            SimQube q = require(qube);
            Long size = q.volumes.get(volume);
            if (size == null) {
                throw new QubesException(QubesException.GENERIC, "No such volume '" + volume + "' of " + qube);
            }
            Long taken = q.snapshots.get(volume);
            SimQube source = snapshotSourceLocked(q, volume);
            return new VolumeInfo(size, taken != null && source != null && revisionLocked(source, volume) != taken);
        }
    }

    /**
     * Whose volume a qube's volume is a snapshot of at start ({@code snap_on_start}), or null: a
     * disposable's root is its TemplateVM's root and its private is the DVM template's private;
     * an AppVM's root is its TemplateVM's root.
     */
    private SimQube snapshotSourceLocked(SimQube q, String volume) {
        SimQube template = qubes.get(q.properties.getOrDefault("template", ""));
        if (template == null) {
            return null;
        }
        if (q.isDispVm() && volume.equals("private")) {
            return template;
        }
        return volume.equals("root") ? snapshotSourceOrSelfLocked(template, volume) : null;
    }

    private SimQube snapshotSourceOrSelfLocked(SimQube q, String volume) {
        SimQube source = snapshotSourceLocked(q, volume);
        return source == null ? q : source;
    }

    private static long revisionLocked(SimQube q, String volume) {
        return q.revisions.getOrDefault(volume, 0L);
    }

    /** Takes the start-time snapshots: from now on a change of their source makes them outdated. */
    private void snapshotLocked(SimQube q) {
        q.snapshots.clear();
        for (String volume : q.volumes.keySet()) {
            SimQube source = snapshotSourceLocked(q, volume);
            if (source != null) {
                q.snapshots.put(volume, revisionLocked(source, volume));
            }
        }
    }

    @Override
    public OptionalLong availableMemory() {
        if (!memoryFigure) {
            return OptionalLong.empty();
        }
        synchronized (lock) {
            return OptionalLong.of(availableMiBLocked() << 20);
        }
    }

    @Override
    public String availableMemorySource() {
        return memoryFigure ? "simulator (qmemman-style figure)" : "none (switched off in the simulator)";
    }

    private long availableMiBLocked() {
        long used = dom0MiB + QMEMMAN_RESERVE_MIB + takenByOthersMiB;
        for (SimQube q : qubes.values()) {
            if (!"AdminVM".equals(q.klass) && q.state.isActive()) {
                used += q.memoryMiB();
            }
        }
        return totalMiB - used;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    // ------------------------------------------------------------------ writing knobs

    @Override
    public void setFeature(String qube, String feature, String value) {
        count(SimOp.FEATURE, qube);
        List<HostEvent> events = new ArrayList<>();
        synchronized (lock) {
            SimQube q = require(qube);
            SimValidation.feature(q, feature, value, qubes::get);
            String old = q.features.put(feature, value);
            events.add(old == null
                    ? HostEvent.of(qube, "domain-feature-set:" + feature, "feature", feature, "value", value)
                    : HostEvent.of(qube, "domain-feature-set:" + feature, "feature", feature, "value", value, "oldvalue", old));
        }
        emit(events);
    }

    @Override
    public void removeFeature(String qube, String feature) {
        count(SimOp.FEATURE, qube);
        List<HostEvent> events = new ArrayList<>();
        synchronized (lock) {
            if (require(qube).features.remove(feature) != null) {
                events.add(HostEvent.of(qube, "domain-feature-delete:" + feature, "feature", feature));
            }
        }
        emit(events);
    }

    @Override
    public void setGlobalProperty(String property, String value) {
        count(SimOp.PROPERTY, "dom0");
        List<HostEvent> events = new ArrayList<>();
        synchronized (lock) {
            if (!globals.containsKey(property)) {
                throw new QubesException(QubesException.NO_SUCH_PROPERTY, "Invalid property '" + property + "' of dom0");
            }
            if ("default_dispvm".equals(property) && !value.isEmpty() && !isDvmTemplateLocked(value)) {
                throw new QubesException(QubesException.VALUE_ERROR, "default_dispvm: " + value
                        + " is not a qube with template_for_dispvms=True");
            }
            String old = globals.put(property, value);
            events.add(HostEvent.of("", "property-set:" + property, "name", property, "newvalue", value, "oldvalue", old));
        }
        emit(events);
    }

    /** Sets a property of a qube, as {@code qvm-prefs} would (no validation beyond existence). */
    public void setProperty(String qube, String property, String value) {
        List<HostEvent> events = new ArrayList<>();
        synchronized (lock) {
            String old = require(qube).properties.put(property, value);
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
        synchronized (lock) {
            SimQube q = require(qube);
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
        synchronized (lock) {
            require(qube).volumes.put(volume, bytes);
        }
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public String createDisposable(String dvmTemplate, Map<String, String> features) {
        return createDisposable(dvmTemplate, null, features);
    }

    /**
     * {@code admin.vm.Create.DispVM} with {@code name=}: a disposable named by its creator, without
     * auto-cleanup until it is set (qubesd's default for a disposable it did not name). {@code name}
     * null: qubesd's own {@code dispN} with auto-cleanup, as {@code admin.vm.CreateDisposable}.
     */
    public String createDisposable(String dvmTemplate, String named, Map<String, String> features) {
        call(SimOp.CREATE, dvmTemplate);
        synchronized (lock) {
            if (!isDvmTemplateLocked(require(dvmTemplate).name)) {
                throw new QubesException(QubesException.GENERIC,
                        "Refusing to create disposable out of app qube which has template_for_dispvms=False");
            }
        }
        sleep(SimOp.CREATE, Step.CREATE, 1.0, dvmTemplate);
        List<HostEvent> events = new ArrayList<>();
        String name;
        synchronized (lock) {
            SimQube template = require(dvmTemplate);
            if (named != null && qubes.containsKey(named)) {
                throw new QubesException(QubesException.GENERIC, "VM " + named + " already exists");
            }
            int id = drawDispId();
            name = named != null ? named : "disp" + id;
            SimQube d = new SimQube(name, "DispVM", PowerState.Halted, template.bootFactor);
            d.properties.putAll(template.properties);
            d.properties.put("name", name);
            d.properties.put("template", dvmTemplate);
            d.properties.put("template_for_dispvms", "False");
            d.properties.put("dispid", Integer.toString(id));
            d.properties.put("auto_cleanup", named == null ? "True" : "False");
            d.volumes.putAll(template.volumes);
            // DispVM.__init__: the disposable inherits its DVM template's features, bar preloading's own.
            template.features.forEach((f, v) -> {
                if (!f.startsWith("preload-dispvm")) {
                    d.features.put(f, v);
                }
            });
            qubes.put(name, d);
            created.add(name);
            creationSerial.put(name, ++creations);
            events.add(HostEvent.of("", "domain-add", "vm", name));
            features.forEach((f, v) -> {
                d.features.put(f, v);
                events.add(HostEvent.of(name, "domain-feature-set:" + f, "feature", f, "value", v));
            });
        }
        emit(events);
        return name;
    }

    private int drawDispId() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int id;
            synchronized (random) {
                id = random.nextInt(10_000);
            }
            if (usedDispIds.add(id)) {
                return id;
            }
        }
        throw new QubesException(QubesException.GENERIC, "no free disposable id after 100 attempts");
    }

    @Override
    public void start(String qube) {
        call(SimOp.START, qube);
        int boot;
        double factor;
        double startFactor;
        synchronized (lock) {
            SimQube q = require(qube);
            if (q.state != PowerState.Halted) {
                return;
            }
            if (availableMiBLocked() < q.memoryMiB()) {
                throw new QubesException(QubesException.MEMORY_ERROR, "Not enough memory to start domain '" + qube + "'");
            }
            q.state = PowerState.Transient;
            q.operational = false;
            snapshotLocked(q);
            boot = ++q.boot;
            factor = q.bootFactor;
            startFactor = factor * bootContentionLocked();
        }
        emit(List.of(HostEvent.of(qube, "domain-pre-start", "start_guid", "True", "mem_required", "None")));
        boolean failed = faults.shouldFail(SimOp.START, random);
        sleep(SimOp.START, Step.START, startFactor, qube);
        if (failed) {
            failStart(qube, boot);
        }
        List<HostEvent> events = new ArrayList<>();
        synchronized (lock) {
            SimQube q = qubes.get(qube);
            if (q == null || q.boot != boot || q.state != PowerState.Transient) {
                throw new QubesException(QubesException.VM_ERROR, "Start failed: domain '" + qube + "' was stopped while starting");
            }
            q.state = PowerState.Running;
            q.operationalAtNanos = clock.nanos()
                    + latency.draw(Step.OPERATIONAL, factor * bootContentionLocked(), random).toNanos();
            events.add(HostEvent.of(qube, "domain-unpaused"));
            events.add(HostEvent.of(qube, "domain-start", "start_guid", "True"));
        }
        emit(events);
    }

    /**
     * The slow-down of a boot step drawn now ({@link LatencyModel#contention}): the qubes booting
     * are those starting, and those running that are not yet operational (the drawing one is one
     * of them).
     */
    private double bootContentionLocked() {
        if (bootSlots <= 0) {
            return 1.0;
        }
        long now = clock.nanos();
        int booting = 0;
        for (SimQube q : qubes.values()) {
            if (q.state == PowerState.Transient || q.state == PowerState.Running && q.operationalAtNanos > now) {
                booting++;
            }
        }
        return LatencyModel.contention(booting, bootSlots);
    }

    /** A failed start leaves nothing behind: a disposable is killed and removed, as qubesd does. */
    private void failStart(String qube, int boot) {
        List<HostEvent> events = new ArrayList<>();
        synchronized (lock) {
            SimQube q = qubes.get(qube);
            if (q != null && q.boot == boot) {
                haltLocked(q, events);
            }
        }
        emit(events);
        throw new QubesException(QubesException.VM_ERROR, "Cannot connect to qrexec agent for 60 seconds, see "
                + "/var/log/xen/console/guest-" + qube + ".log for details (simulated fault)");
    }

    @Override
    public ServiceResult runService(String qube, String service, Duration timeout) {
        calls.get(SimOp.RUN_SERVICE).incrementAndGet(); // a hung service call times out below, like qrexec
        faults.failIfDown(SimOp.RUN_SERVICE, qube);
        long readyAt;
        int boot;
        synchronized (lock) {
            SimQube q = require(qube);
            if (q.state != PowerState.Running) {
                throw new QubesException(QubesException.NOT_RUNNING, "Domain not running (either powered off or paused): '"
                        + qube + "'");
            }
            boot = q.boot;
            readyAt = switch (service) {
                case "qubes.WaitForRunningSystem" -> q.operationalAtNanos;
                case "qubes.WaitForSession" -> q.operationalAtNanos
                        + latency.draw(Step.SESSION, q.bootFactor, random).toNanos();
                // a simulated command (dispool run): succeeds with no output once the system is up
                default -> service.startsWith("qubes.VMExec+") ? q.operationalAtNanos : Long.MIN_VALUE;
            };
        }
        if (readyAt == Long.MIN_VALUE) {
            return new ServiceResult(127, "Service " + service + " not found in " + qube);
        }
        if (faults.hang(SimOp.RUN_SERVICE, true) != null || faults.shouldTimeOut(SimOp.RUN_SERVICE, random)) {
            sleep(timeout, qube);
            throw new ServiceTimeoutException(qube, service, timeout);
        }
        Duration wait = Duration.ofNanos(Math.max(0, readyAt - clock.nanos()))
                .plus(latency.draw(Step.SERVICE_CALL, faults.slowFactor(SimOp.RUN_SERVICE), random));
        if (wait.compareTo(timeout) > 0) {
            sleep(timeout, qube);
            throw new ServiceTimeoutException(qube, service, timeout);
        }
        sleep(wait, qube);
        if (faults.shouldFail(SimOp.RUN_SERVICE, random)) {
            return new ServiceResult(1, "systemctl is-system-running: degraded (simulated fault)");
        }
        synchronized (lock) {
            SimQube q = qubes.get(qube);
            if (q != null && q.boot == boot && service.equals("qubes.WaitForRunningSystem")) {
                q.operational = true;
            }
        }
        return ServiceResult.OK;
    }

    @Override
    public void pause(String qube) {
        call(SimOp.PAUSE, qube);
        sleep(SimOp.PAUSE, Step.PAUSE, 1.0, qube);
        transition(qube, PowerState.Running, PowerState.Paused, "domain-paused", QubesException.NOT_RUNNING,
                "Domain not running (either powered off or paused): '" + qube + "'");
    }

    @Override
    public void unpause(String qube) {
        call(SimOp.UNPAUSE, qube);
        sleep(SimOp.UNPAUSE, Step.UNPAUSE, 1.0, qube);
        transition(qube, PowerState.Paused, PowerState.Running, "domain-unpaused", QubesException.NOT_PAUSED,
                "Domain is not paused: '" + qube + "'");
    }

    private void transition(String qube, PowerState from, PowerState to, String event, String error, String message) {
        synchronized (lock) {
            SimQube q = require(qube);
            if (q.state != from) {
                throw new QubesException(error, message);
            }
            q.state = to;
        }
        emit(List.of(HostEvent.of(qube, event)));
    }

    @Override
    public void kill(String qube) {
        call(SimOp.KILL, qube);
        synchronized (lock) {
            if (require(qube).state == PowerState.Halted) {
                throw new QubesException(QubesException.NOT_STARTED, "Domain is powered off: '" + qube + "'");
            }
        }
        sleep(SimOp.KILL, Step.KILL, 1.0, qube);
        List<HostEvent> events = new ArrayList<>();
        synchronized (lock) {
            SimQube q = require(qube);
            if (q.state != PowerState.Halted) {
                haltLocked(q, events);
            }
        }
        emit(events);
    }

    /** Halts a qube; an auto-cleanup disposable then disappears. */
    private void haltLocked(SimQube q, List<HostEvent> events) {
        q.state = PowerState.Halted;
        q.operational = false;
        q.operationalAtNanos = Long.MAX_VALUE;
        q.snapshots.clear();
        q.boot++;
        events.add(HostEvent.of(q.name, "domain-shutdown"));
        if (q.isAutoCleanup()) {
            forgetLocked(q.name);
            events.add(HostEvent.of("", "domain-delete", "vm", q.name));
        }
    }

    @Override
    public void remove(String qube) {
        call(SimOp.REMOVE, qube);
        synchronized (lock) {
            if (require(qube).state != PowerState.Halted) {
                throw new QubesException(QubesException.NOT_HALTED, "Domain is not powered off: '" + qube + "'");
            }
        }
        sleep(SimOp.REMOVE, Step.REMOVE, 1.0, qube);
        synchronized (lock) {
            require(qube);
            forgetLocked(qube);
        }
        emit(List.of(HostEvent.of("", "domain-delete", "vm", qube)));
    }

    /** Drops a qube; with {@link Builder#reuseDispIds()} its dispid becomes free again later. */
    private void forgetLocked(String name) {
        SimQube q = qubes.remove(name);
        String dispid = q == null ? null : q.properties.get("dispid");
        if (reuseDispIds && dispid != null && "DispVM".equals(q.klass)) {
            coolingDispIds.add(Integer.valueOf(dispid));
            if (coolingDispIds.size() > DISPID_COOLING) {
                usedDispIds.remove(coolingDispIds.poll());
            }
        }
    }

    // ------------------------------------------------------------------ events

    /**
     * Delivered on the simulator's own event thread, in order, as qubesd's stream is read on a
     * reader thread: a caller never runs the subscriber's handlers itself.
     */
    @Override
    public Multi<HostEvent> events() {
        return Multi.createFrom().emitter(em -> {
            if (faults.isDown()) {
                em.fail(new QubesException(QubesException.GENERIC, "simulated qubesd restart: events refused"));
                return;
            }
            em.onTermination(() -> subscribers.remove(em));
            eventThread.execute(() -> {
                subscribers.add(em);
                em.emit(HostEvent.of("", HostEvent.CONNECTION_ESTABLISHED));
            });
        });
    }

    /**
     * As a qubesd restart: every event the host makes while {@code whileDown} runs is lost, then
     * every stream reconnects and says {@code connection-established} again (as the qubesd
     * host's reconnecting stream does).
     */
    public void dropEventStreams(Runnable whileDown) {
        eventThread.execute(() -> streamsDown = true);
        try {
            whileDown.run();
        } finally {
            eventThread.execute(() -> {
                streamsDown = false;
                subscribers.forEach(em -> em.emit(HostEvent.of("", HostEvent.CONNECTION_ESTABLISHED)));
            });
        }
    }

    /**
     * A qubesd restart: its state is kept, its connections are cut. While {@code whileDown} runs
     * every call is refused and every event is lost; then the streams say connection-established.
     */
    public void restartQubesd(Runnable whileDown) {
        dropEventStreams(() -> {
            faults.down(true);
            try {
                whileDown.run();
            } finally {
                faults.down(false);
            }
        });
    }

    /** Other qubes take (or give back) memory: the available figure drops by {@code mib} until set to 0. */
    public void memoryTakenByOthers(long mib) {
        synchronized (lock) {
            takenByOthersMiB = Math.max(0, mib);
        }
    }

    /** A property as it is now, read past every fault (for checks beside a run with faults on). */
    public Optional<String> peekProperty(String qube, String property) {
        synchronized (lock) {
            SimQube q = qubes.get(qube);
            return q == null ? Optional.empty() : Optional.ofNullable(q.properties.get(property));
        }
    }

    /** Which creation the qube of this name is (1 for the first disposable created here); 0 for none. */
    public long creationSerial(String name) {
        synchronized (lock) {
            return creationSerial.getOrDefault(name, 0L);
        }
    }

    /** Every disposable created on this host so far (including those since removed), in order. */
    public List<String> createdDisposables() {
        synchronized (lock) {
            return List.copyOf(created);
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
        if (events.isEmpty()) {
            return;
        }
        eventThread.execute(() -> {
            if (!streamsDown) {
                events.forEach(e -> subscribers.forEach(em -> em.emit(e)));
            }
        });
    }

    // ------------------------------------------------------------------ controls and queries

    public Faults faults() {
        return faults;
    }

    /** Every feature of a qube, name to value (as admin.vm.feature.List and Get; for the emulator). */
    public Map<String, String> features(String qube) {
        synchronized (lock) {
            return Map.copyOf(require(qube).features);
        }
    }

    /** The names of a qube's volumes (as admin.vm.volume.List; for the emulator). */
    public List<String> volumeNames(String qube) {
        synchronized (lock) {
            return List.copyOf(require(qube).volumes.keySet());
        }
    }

    /** Switches the available-memory figure off (as on a host without qmemman's file) or on. */
    public void availableMemoryFigure(boolean on) {
        memoryFigure = on;
    }

    /** True once qubes.WaitForRunningSystem returned 0 in the qube's current boot. */
    public boolean isOperational(String qube) {
        synchronized (lock) {
            SimQube q = qubes.get(qube);
            return q != null && q.operational;
        }
    }

    /** How many calls of this kind the host served (or refused) so far. */
    public long calls(SimOp op) {
        return calls.get(op).get();
    }

    // ------------------------------------------------------------------ helpers

    private SimQube require(String name) {
        SimQube q = qubes.get(name);
        if (q == null) {
            throw new QubesException(QubesException.VM_NOT_FOUND, "No such domain: '" + name + "'");
        }
        return q;
    }

    private boolean isDvmTemplateLocked(String name) {
        SimQube q = qubes.get(name);
        return q != null && "True".equals(q.properties.get("template_for_dispvms"));
    }

    private void count(SimOp op, String qube) {
        calls.get(op).incrementAndGet();
        faults.failIfDown(op, qube);
        faults.awaitRelease(op, qube);
    }

    /** Counts the call, waits out a hang, and throws when the fault plan says it fails. */
    private void call(SimOp op, String qube) {
        count(op, qube);
        if (op != SimOp.START && faults.shouldFail(op, random)) {
            throw new QubesException(QubesException.GENERIC, "simulated " + op.specName() + " failure for " + qube);
        }
    }

    private void sleep(SimOp op, Step step, double factor, String qube) {
        sleep(latency.draw(step, factor * faults.slowFactor(op), random), qube);
    }

    private void sleep(Duration hostTime, String qube) {
        try {
            clock.sleep(hostTime);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QubesException(QubesException.GENERIC, "call about " + qube + " interrupted");
        }
    }

    void addQube(SimQube q) {
        qubes.put(q.name, q);
    }

    void setGlobal(String name, String value) {
        globals.put(name, value);
    }

    /** Builds a simulated host and its starting inventory. */
    public static final class Builder {
        private Clock clock = Clock.system();
        private LatencyModel latency = LatencyModel.QUBES_R43;
        private long seed = System.nanoTime();
        private long totalMiB = 16_000;
        private long dom0MiB = 4_000;
        private final Map<String, String[]> templateVms = new LinkedHashMap<>();
        private final List<Object[]> dvmTemplates = new ArrayList<>();
        private final List<String[]> features = new ArrayList<>();
        private String defaultDispvm = "";
        private boolean reuseDispIds;
        private int bootSlots;

        public Builder clock(Clock c) {
            clock = c;
            return this;
        }

        public Builder latency(LatencyModel l) {
            latency = l;
            return this;
        }

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        public Builder totalMemoryMiB(long mib) {
            totalMiB = mib;
            return this;
        }

        public Builder dom0MemoryMiB(long mib) {
            dom0MiB = mib;
            return this;
        }

        public Builder templateVm(String name) {
            templateVms.putIfAbsent(name, new String[] {name});
            return this;
        }

        /** A DVM template based on the first TemplateVM (or fedora-42-xfce), Fedora-XFCE boot times. */
        public Builder dvmTemplate(String name, long memoryMiB) {
            return dvmTemplate(name, memoryMiB, templateVms.isEmpty() ? "fedora-42-xfce" : templateVms.keySet().iterator().next(), 1.0);
        }

        public Builder dvmTemplate(String name, long memoryMiB, String templateVm, double bootFactor) {
            templateVm(templateVm);
            dvmTemplates.add(new Object[] {name, memoryMiB, templateVm, bootFactor});
            return this;
        }

        public Builder defaultDispvm(String name) {
            defaultDispvm = name;
            return this;
        }

        /** A feature set at start, validated like any other. */
        public Builder feature(String qube, String feature, String value) {
            features.add(new String[] {qube, feature, value});
            return this;
        }

        /**
         * Frees a disposable's id once the qube is gone and {@link #DISPID_COOLING} others were
         * freed after it (qubesd frees it at once), so a long benchmark can make more than 10,000
         * disposables. Off by default: a test then never sees a name twice.
         */
        public Builder reuseDispIds() {
            reuseDispIds = true;
            return this;
        }

        /**
         * Boots share the host's CPUs: {@code slots} boots run at full speed at once, more run
         * proportionally slower ({@link LatencyModel#contention}; Qubes' laptop:
         * {@link LatencyModel#QUBES_R43_BOOT_SLOTS}). Off (0) by default: every boot takes as long
         * as one alone, as the tests and benchmarks calibrated before this model expect.
         */
        public Builder bootSlots(int slots) {
            if (slots < 0) {
                throw new IllegalArgumentException("boot slots " + slots + " refused: 0 (no contention) or more");
            }
            bootSlots = slots;
            return this;
        }

        public SimHost build() {
            SimHost host = new SimHost(this);
            SimInventory.populate(host, dom0MiB, templateVms.keySet(), dvmTemplates);
            host.setGlobal("default_dispvm", "");
            host.setGlobal("default_qrexec_timeout", "60");
            if (!defaultDispvm.isEmpty()) {
                host.setGlobalProperty("default_dispvm", defaultDispvm);
            }
            features.forEach(f -> host.setFeature(f[0], f[1], f[2]));
            return host;
        }
    }
}
