package dispool.host.qemu;

import dispool.host.PowerState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Opens a QEMU host on its state directory: the persisted inventory (or a new one from the
 * configuration), the configured DVM templates' guests, the accelerator, then the guests of an
 * earlier run. A disposable whose QEMU still runs is re-attached through its QMP socket (its
 * power state read from QEMU); one that was launched and has no process any more is gone
 * (auto cleanup), as is any directory of the state directory the inventory does not name and any
 * QEMU or qemu-img process there that no attached guest accounts for ({@link StrayGuests}). What
 * is left is exactly what the inventory accounts for; the engine's recovery then keeps completed
 * preloads and removes interrupted ones.
 */
final class QemuStartup {

    private static final Logger LOG = Logger.getLogger(QemuStartup.class);

    private QemuStartup() {
    }

    static QemuHost open(QemuSettings settings) {
        QemuHost host = new QemuHost(settings);
        try {
            Files.createDirectories(settings.stateDir().resolve(QemuHost.VMS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the QEMU state directory " + settings.stateDir(), e);
        }
        Optional<InventoryStore.Snapshot> persisted = host.store.read();
        InventoryStore.Version v;
        synchronized (host.lock) {
            persisted.ifPresent(s -> {
                host.globals.putAll(s.globals);
                s.qubes.forEach(host.inventory::add);
            });
            QemuInventory.apply(host, settings);
            v = host.inventoryLocked();
        }
        host.store.write(v);
        host.accelerator(chooseAccelerator(settings));
        List<String> gone = reattach(host);
        removeStrays(host, gone);
        LOG.infof("QEMU host on %s: accelerator %s (%s), %d qubes", settings.stateDir(), host.accelerator(),
                host.acceleratorReason(), host.listQubes().size());
        return host;
    }

    private static Accelerator.Choice chooseAccelerator(QemuSettings settings) {
        if (settings.templates().isEmpty()) {
            return new Accelerator.Choice("tcg", "no DVM template configured, nothing to probe KVM with");
        }
        QemuSettings.Template t = settings.templates().get(0);
        return Accelerator.choose(settings.accelerator(), settings.qemu(),
                new QemuVm.Guest(t.kernel(), t.initramfs(), Optional.empty(), t.memoryMiB(), 1),
                settings.stateDir().resolve(QemuHost.VMS));
    }

    /** Re-attaches the disposables whose QEMU still runs; returns those launched whose QEMU is gone. */
    private static List<String> reattach(QemuHost host) {
        List<String> gone = new ArrayList<>();
        List<QemuQube> disposables;
        synchronized (host.lock) {
            disposables = host.qubes.values().stream().filter(QemuQube::isDispVm).toList();
        }
        for (QemuQube q : disposables) {
            Optional<QemuVm> vm = QemuVm.attach(q.name, host.vmDir(q.name), host.settings.callTimeout(),
                    host.qmpListener(q.name, q.boot));
            String status = vm.map(QemuStartup::status).orElse("");
            if (!status.isEmpty()) {
                synchronized (host.lock) {
                    q.vm = vm.get();
                    q.state = status.equals("paused") ? PowerState.Paused : PowerState.Running;
                }
            } else {
                vm.ifPresent(v -> v.kill(host.settings.killGrace()));
                if (q.launched) {
                    LOG.infof("%s: its QEMU is gone since the last run; removed with its overlay", q.name);
                    gone.add(q.name);
                }
            }
        }
        return gone;
    }

    private static String status(QemuVm vm) {
        try {
            return vm.status();
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The processes and directories of the state directory that no attached guest accounts for:
     * directories the inventory does not name and those of the {@code gone} disposables, which
     * then leave the inventory.
     */
    private static void removeStrays(QemuHost host, List<String> gone) {
        Path vms = host.settings.stateDir().resolve(QemuHost.VMS);
        Set<String> known;
        Set<Long> attached;
        synchronized (host.lock) {
            known = Set.copyOf(host.qubes.keySet());
            attached = host.qubes.values().stream().filter(q -> q.vm != null).map(q -> q.vm.pid())
                    .collect(Collectors.toSet());
        }
        List<Path> dirs = new ArrayList<>(gone.stream().map(host::vmDir).toList());
        try (Stream<Path> all = Files.list(vms)) {
            all.filter(d -> !known.contains(d.getFileName().toString())).forEach(d -> {
                LOG.warnf("removing %s: no qube of the inventory accounts for it", d);
                dirs.add(d);
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + vms, e);
        }
        new StrayGuests(host.settings, vms).clear(attached, dirs);
        gone.forEach(host::forget);
    }
}
