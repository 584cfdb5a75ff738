package dispool.host.qemu;

import dispool.host.Clock;
import dispool.host.HostEvent;
import dispool.host.PowerState;
import dispool.host.QubeInfo;
import dispool.host.QubesException;
import dispool.host.QubesHost;
import dispool.host.ServiceResult;
import dispool.host.VolumeInfo;
import dispool.host.model.DispIds;
import dispool.host.model.EventFeed;
import dispool.host.model.Inventory;
import io.smallrye.mutiny.Multi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * A Qubes-like host whose disposables are QEMU micro-VMs on this machine. The inventory (dom0
 * with the global knobs, TemplateVMs, DVM templates, disposables; classes, properties, features)
 * is the simulator's model, kept in the state directory ({@link InventoryStore}); each started
 * disposable is a detached QEMU process driven over QMP ({@link QemuVm}); readiness and commands
 * go through the guest's agent ({@link Agent}), the analogue of qrexec. QMP's {@code STOP},
 * {@code RESUME} and {@code SHUTDOWN} become {@code domain-paused}, {@code domain-unpaused} and
 * {@code domain-shutdown}.
 *
 * <p>A new host re-attaches to the guests of an earlier run ({@link QemuStartup}). State changes
 * hold one lock, and nothing else does: launching, QMP and agent calls, the inventory file's
 * writes and a removed guest's directory run outside it. A start checks memory and takes it
 * (the guest turns {@code Transient}, which counts as using its memory) in one hold of the lock,
 * so two starts never both pass on the same free memory. Boots, pauses, kills and agent calls are
 * {@link GuestRuns}'; volumes {@link Volumes}'.
 */
public final class QemuHost implements QubesHost, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(QemuHost.class);
    static final String VMS = "vms";

    final Object lock = new Object();
    /** The model; {@link #qubes} and {@link #globals} are its maps. Guarded by {@link #lock}. */
    final Inventory<QemuQube> inventory = new Inventory<>(DispIds.qubesd(Clock.system()::nanos, new SecureRandom()));
    final Map<String, QemuQube> qubes = inventory.qubes;
    final Map<String, String> globals = inventory.globals;
    final QemuSettings settings;
    final InventoryStore store;
    private final EventFeed feed = new EventFeed("qemu-events");
    private Accelerator.Choice accelerator;
    final GuestRuns runs = new GuestRuns(this);

    QemuHost(QemuSettings settings) {
        this.settings = settings;
        this.store = new InventoryStore(settings.stateDir());
    }

    /** Loads or creates the inventory, re-attaches to running guests, removes what no one accounts for. */
    public static QemuHost open(QemuSettings settings) {
        return QemuStartup.open(settings);
    }

    void accelerator(Accelerator.Choice choice) {
        this.accelerator = choice;
    }

    /** {@code kvm} or {@code tcg}, and why: said in the API, the logs and every figure. */
    public String accelerator() {
        return accelerator.name();
    }

    public String acceleratorReason() {
        return accelerator.reason();
    }

    public Path stateDir() {
        return settings.stateDir();
    }

    Path vmDir(String name) {
        return settings.stateDir().resolve(VMS).resolve(name);
    }

    // ------------------------------------------------------------------ reading

    @Override
    public List<QubeInfo> listQubes() {
        synchronized (lock) {
            return inventory.list();
        }
    }

    @Override
    public QubeInfo qube(String name) {
        synchronized (lock) {
            return require(name).info();
        }
    }

    @Override
    public String property(String qube, String property) {
        synchronized (lock) {
            return inventory.property(qube, property);
        }
    }

    @Override
    public Map<String, String> properties(String qube) {
        synchronized (lock) {
            return Map.copyOf(require(qube).properties);
        }
    }

    @Override
    public String globalProperty(String property) {
        synchronized (lock) {
            return inventory.globalProperty(property);
        }
    }

    @Override
    public Optional<String> feature(String qube, String feature) {
        synchronized (lock) {
            return inventory.feature(qube, feature);
        }
    }

    @Override
    public VolumeInfo volume(String qube, String volume) {
        Map<String, String> props;
        long rootSnapshot;
        long privateSnapshot;
        synchronized (lock) {
            QemuQube q = require(qube);
            props = Map.copyOf(q.properties);
            rootSnapshot = q.state == PowerState.Halted ? 0 : q.rootSnapshot;
            privateSnapshot = q.state == PowerState.Halted ? 0 : q.privateSnapshot;
        }
        try {
            return Volumes.info(volume, props, rootSnapshot, privateSnapshot)
                    .orElseThrow(() -> new QubesException(QubesException.GENERIC, "No such volume '" + volume + "' of " + qube));
        } catch (IOException e) {
            throw new QubesException(QubesException.GENERIC, "volume " + volume + " of " + qube + " unreadable: "
                    + e.getMessage() + " (is the guest built? deploy/qemu/build-guest.sh)", e);
        }
    }

    /**
     * Available memory, qmemman's analogue: {@code MemAvailable} of this machine, or the budget
     * minus the memory of every running or paused guest, whichever is smaller.
     */
    @Override
    public OptionalLong availableMemory() {
        long machine = MemInfo.available();
        synchronized (lock) {
            return OptionalLong.of(availableLocked(machine));
        }
    }

    /** {@code machine}: MemAvailable, read before the lock (a file read). */
    long availableLocked(long machine) {
        if (settings.memoryBudgetMiB().isEmpty()) {
            return machine;
        }
        long used = 0;
        for (QemuQube q : qubes.values()) {
            used += q.isDispVm() && q.state.isActive() ? q.memoryMiB() : 0;
        }
        return Math.min(machine, (settings.memoryBudgetMiB().getAsLong() - used) << 20);
    }

    @Override
    public String availableMemorySource() {
        return settings.memoryBudgetMiB().isPresent()
                ? "min(MemAvailable of /proc/meminfo, budget " + settings.memoryBudgetMiB().getAsLong()
                        + " MiB − running guests) (dispool.qemu.memory-budget-mib)"
                : "MemAvailable of /proc/meminfo";
    }

    @Override
    public Clock clock() {
        return Clock.system();
    }

    // ------------------------------------------------------------------ writing knobs

    @Override
    public void setFeature(String qube, String feature, String value) {
        HostEvent event;
        InventoryStore.Version v;
        synchronized (lock) {
            event = inventory.setFeature(qube, feature, value);
            v = inventoryLocked();
        }
        store.write(v);
        emit(List.of(event));
    }

    @Override
    public void removeFeature(String qube, String feature) {
        Optional<HostEvent> event;
        InventoryStore.Version v;
        synchronized (lock) {
            event = inventory.removeFeature(qube, feature);
            if (event.isEmpty()) {
                return;
            }
            v = inventoryLocked();
        }
        store.write(v);
        emit(List.of(event.get()));
    }

    @Override
    public void setGlobalProperty(String property, String value) {
        HostEvent event;
        InventoryStore.Version v;
        synchronized (lock) {
            event = inventory.setGlobalProperty(property, value);
            v = inventoryLocked();
        }
        store.write(v);
        emit(List.of(event));
    }

    /**
     * An update of a template's content, as the contract suite simulates it: a TemplateVM's guest
     * image (kernel, initramfs) or a DVM template's disk is rewritten (here: its modification time
     * moves), then the template fires {@code domain-shutdown} as an updated TemplateVM does.
     */
    public void updateTemplate(String qube) {
        Map<String, String> props;
        synchronized (lock) {
            QemuQube q = require(qube);
            props = Map.copyOf(q.properties);
            if (q.isDispVm()) {
                throw new QubesException(QubesException.GENERIC, qube + " is a disposable, not a template");
            }
        }
        try {
            Volumes.touch(Volumes.ofTemplate(klassOf(qube), props));
        } catch (IOException e) {
            throw new QubesException(QubesException.GENERIC, "cannot update " + qube + ": " + e.getMessage(), e);
        }
        emit(List.of(HostEvent.of(qube, "domain-shutdown")));
    }

    private String klassOf(String qube) {
        synchronized (lock) {
            return require(qube).klass;
        }
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public String createDisposable(String dvmTemplate, Map<String, String> features) {
        List<HostEvent> events = new ArrayList<>();
        QemuQube d;
        InventoryStore.Version v;
        synchronized (lock) {
            d = inventory.addDisposable(dvmTemplate, features, n -> new QemuQube(n, "DispVM"), events);
            v = inventoryLocked();
        }
        try {
            store.write(v); // accounted for before anything exists on disk: a crash leaves no orphan
            Files.createDirectories(vmDir(d.name));
            String disk = d.properties.getOrDefault("disk", "");
            if (!disk.isEmpty()) {
                Volumes.createOverlay(settings.qemuImg(), Path.of(disk), vmDir(d.name).resolve(QemuVm.OVERLAY));
            }
        } catch (IOException e) {
            forget(d.name);
            throw new QubesException(QubesException.GENERIC, "cannot create disposable " + d.name + " of " + dvmTemplate
                    + ": " + e.getMessage(), e);
        }
        emit(events);
        return d.name;
    }

    @Override
    public void start(String qube) {
        runs.start(qube);
    }

    @Override
    public void pause(String qube) {
        runs.pause(qube);
    }

    /** QMP {@code cont}, then one agent round trip ({@link GuestRuns#unpause}); its steps go to the listener below. */
    @Override
    public void unpause(String qube) {
        runs.unpause(qube);
    }

    public void onUnpause(Consumer<UnpauseSteps> listener) { // the bench's timeline, told on the unpausing thread
        runs.onUnpause(listener);
    }

    @Override
    public void kill(String qube) {
        runs.kill(qube);
    }

    /** Turns one boot's QMP events into the host's domain events. */
    Consumer<String> qmpListener(String qube, int boot) {
        return runs.qmpListener(qube, boot);
    }

    @Override
    public void remove(String qube) {
        InventoryStore.Version v;
        synchronized (lock) {
            QemuQube q = require(qube);
            if (q.state != PowerState.Halted) {
                throw new QubesException(QubesException.NOT_HALTED, "Domain is not powered off: '" + qube + "'");
            }
            forgetLocked(q);
            v = inventoryLocked();
        }
        GuestDirs.delete(vmDir(qube));
        store.write(v);
        emit(List.of(HostEvent.of("", "domain-delete", "vm", qube)));
    }

    /** Drops a qube: its directory goes, then the inventory file forgets it. */
    void forget(String qube) {
        InventoryStore.Version v;
        synchronized (lock) {
            QemuQube q = qubes.get(qube);
            if (q == null) {
                return;
            }
            forgetLocked(q);
            v = inventoryLocked();
        }
        GuestDirs.delete(vmDir(qube));
        store.write(v);
    }

    /**
     * Out of the inventory at once; its directory (sockets, pid file, console log, overlay) is
     * deleted after the lock, then the file is written: a crash in between leaves a directory no
     * qube names, which the next start removes. Its id is not drawn again for a week, so no new
     * disposable meets the old directory.
     */
    void forgetLocked(QemuQube q) {
        inventory.forget(q.name);
    }

    @Override
    public ServiceResult runService(String qube, String service, Duration timeout) {
        return runs.runService(qube, service, timeout);
    }

    // ------------------------------------------------------------------ events

    /**
     * Delivered on the host's event thread, in order. The stream never drops: the host is in
     * this process, and a guest's QMP connection ending is that guest's {@code domain-shutdown}.
     */
    @Override
    public Multi<HostEvent> events() {
        return feed.events();
    }

    void emit(List<HostEvent> events) {
        feed.emit(events);
    }

    // ------------------------------------------------------------------ helpers

    QemuQube require(String name) {
        return inventory.require(name);
    }

    /** The inventory as it is now, to write once the lock is released ({@link InventoryStore}). */
    InventoryStore.Version inventoryLocked() {
        return store.encode(globals, qubes.values());
    }

    /** Drops the QMP and agent connections; the guests keep running (as Qubes' qubes outlive qubesd). */
    @Override
    public void close() {
        List<QemuVm> vms = new ArrayList<>();
        synchronized (lock) {
            qubes.values().stream().filter(q -> q.vm != null).forEach(q -> vms.add(q.vm));
        }
        vms.forEach(QemuVm::close);
        LOG.debugf("QEMU host closed; %d guests keep running in %s", vms.size(), settings.stateDir());
    }
}
