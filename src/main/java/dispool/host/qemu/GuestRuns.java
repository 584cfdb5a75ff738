package dispool.host.qemu;

import dispool.host.HostEvent;
import dispool.host.PowerState;
import dispool.host.QubesException;
import dispool.host.ServiceResult;
import dispool.host.ServiceTimeoutException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The running side of {@link QemuHost}: a disposable's boot (a QEMU process), pause and unpause
 * over QMP, kill and the end of a boot, and calls to its agent; QMP's events become the host's
 * domain events. It works on the host's model under the host's lock, and calls QEMU and the
 * agent outside it.
 */
final class GuestRuns {

    private static final Logger LOG = Logger.getLogger(GuestRuns.class);

    private final QemuHost host;
    /** Told every unpause's steps (the QEMU bench's per-hand-out timeline); null (nothing counted) by default. */
    private volatile Consumer<UnpauseSteps> unpauses;

    GuestRuns(QemuHost host) {
        this.host = host;
    }

    void start(String qube) {
        Map<String, String> props;
        synchronized (host.lock) {
            QemuQube q = host.require(qube);
            if (!q.isDispVm()) {
                throw new QubesException(QubesException.GENERIC, "only disposables run on the QEMU host; " + qube
                        + " is a " + q.klass);
            }
            if (q.state != PowerState.Halted) {
                return;
            }
            props = Map.copyOf(q.properties);
        }
        QemuVm.Guest guest = guestOf(qube, props);
        long[] snapshots = snapshots(qube, props);
        long machine = MemInfo.available();
        int boot;
        InventoryStore.Version v;
        synchronized (host.lock) {
            QemuQube q = host.require(qube);
            if (q.state != PowerState.Halted) {
                return;
            }
            if (host.availableLocked(machine) < (guest.memoryMiB() << 20)) {
                throw new QubesException(QubesException.MEMORY_ERROR, "Not enough memory to start domain '" + qube + "'");
            }
            q.state = PowerState.Transient; // its memory counts as used from here
            q.answered = false;
            q.pausedAt = 0;
            boot = ++q.boot;
            q.launched = true;
            q.rootSnapshot = snapshots[0];
            q.privateSnapshot = snapshots[1];
            v = host.inventoryLocked();
        }
        host.store.write(v);
        host.emit(List.of(HostEvent.of(qube, "domain-pre-start", "start_guid", "False", "mem_required", "None")));
        QemuVm vm;
        try {
            vm = QemuVm.launch(host.settings.qemu(), host.accelerator(), qube, host.vmDir(qube), guest, host.settings.callTimeout(),
                    qmpListener(qube, boot));
        } catch (IOException e) {
            killStray(qube);
            halt(qube, boot);
            throw new QubesException(QubesException.VM_ERROR, "Start failed: " + qube + ": " + e.getMessage()
                    + " (console: " + host.vmDir(qube).resolve("console.log") + ")", e);
        }
        synchronized (host.lock) {
            QemuQube q = host.qubes.get(qube);
            if (q != null && q.boot == boot && q.state == PowerState.Transient) {
                q.vm = vm;
                q.state = PowerState.Running;
                vm = null;
            }
        }
        if (vm != null) {
            vm.kill(host.settings.killGrace());
            throw new QubesException(QubesException.VM_ERROR, "Start failed: domain '" + qube + "' was stopped while starting");
        }
        host.emit(List.of(HostEvent.of(qube, "domain-unpaused"), HostEvent.of(qube, "domain-start", "start_guid", "False")));
    }

    private QemuVm.Guest guestOf(String qube, Map<String, String> props) {
        Path overlay = host.vmDir(qube).resolve(QemuVm.OVERLAY);
        return new QemuVm.Guest(Path.of(props.get("kernel")), Path.of(props.get("initramfs")),
                Files.exists(overlay) ? Optional.of(overlay) : Optional.empty(), QemuQube.memoryMiB(props),
                Integer.parseInt(props.getOrDefault("vcpus", "1")));
    }

    /** What the volumes are as the disposable starts: modification times of its root files and its disk. */
    private static long[] snapshots(String qube, Map<String, String> props) {
        try {
            String disk = props.getOrDefault("disk", "");
            return new long[] {Volumes.modified(Volumes.rootFiles(props)), disk.isEmpty() ? 0 : Volumes.modified(List.of(Path.of(disk)))};
        } catch (IOException e) {
            throw new QubesException(QubesException.VM_ERROR, "Start failed: " + qube + ": guest image unreadable: "
                    + e.getMessage() + " (build it: deploy/qemu/build-guest.sh)", e);
        }
    }

    void pause(String qube) {
        QemuVm vm = running(qube, PowerState.Running, QubesException.NOT_RUNNING,
                "Domain not running (either powered off or paused): '" + qube + "'");
        qmp(qube, "stop", vm::stop);
        if (unpauses != null) { // how long a preload waited: the bench's timeline alone asks
            synchronized (host.lock) {
                QemuQube q = host.qubes.get(qube);
                if (q != null) {
                    q.pausedAt = System.nanoTime();
                }
            }
        }
        transition(qube, PowerState.Running, PowerState.Paused, "domain-paused");
    }

    /**
     * QMP {@code cont} and one round trip through the guest's agent: a resumed guest counts as
     * usable once it answers, which is what a hand-out's "usable" measures on this host. The ping
     * is written first, so it waits on the paused guest's port and is read as soon as the guest
     * runs: the round trip overlaps the {@code cont} instead of following its reply. With an
     * {@link #onUnpause} listener (the QEMU bench's), each step's time goes to it; without one
     * (the service), nothing is counted.
     */
    void unpause(String qube) {
        long start = System.nanoTime();
        QemuVm vm = running(qube, PowerState.Paused, QubesException.NOT_PAUSED, "Domain is not paused: '" + qube + "'");
        Consumer<UnpauseSteps> listener = unpauses;
        int[] starting = listener == null ? null : starting();
        long[] cont = new long[2]; // the ping written (cont goes out next), cont's reply
        try {
            Agent agent = vm.agent();
            Agent.Answer answer = agent.call("", host.settings.callTimeout(), () -> {
                cont[0] = System.nanoTime();
                qmp(qube, "cont", vm::cont); // a refusal throws QubesException, past the agent's wait
                cont[1] = System.nanoTime();
                transition(qube, PowerState.Paused, PowerState.Running, "domain-unpaused");
            });
            long awake = System.nanoTime();
            if (answer == null) {
                throw new QubesException(QubesException.VM_ERROR, qube + " resumed but its agent did not answer within "
                        + host.settings.callTimeout().toMillis() + " ms");
            }
            if (listener != null) {
                listener.accept(new UnpauseSteps(qube, pausedAt(qube), start, cont[0], cont[1], agent.lastAnswerNanos(), awake,
                        starting[0], starting[1]));
            }
        } catch (IOException e) {
            throw new QubesException(QubesException.VM_ERROR, "unpause of " + qube + ": its agent is unreachable: "
                    + e.getMessage() + " (console: " + host.vmDir(qube).resolve("console.log") + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QubesException(QubesException.GENERIC, "unpause of " + qube + " interrupted");
        }
    }

    void onUnpause(Consumer<UnpauseSteps> listener) {
        unpauses = listener;
    }

    /** QEMUs launched and not yet answering QMP, and guests running whose agent has not yet answered. */
    private int[] starting() {
        int[] n = new int[2];
        synchronized (host.lock) {
            for (QemuQube q : host.qubes.values()) {
                if (q.state == PowerState.Transient) {
                    n[0]++;
                } else if (q.state == PowerState.Running && q.vm != null && !q.answered) {
                    n[1]++;
                }
            }
        }
        return n;
    }

    private long pausedAt(String qube) {
        synchronized (host.lock) {
            QemuQube q = host.qubes.get(qube);
            return q == null ? 0 : q.pausedAt;
        }
    }

    private interface QmpCall {
        void run() throws IOException;
    }

    private static void qmp(String qube, String what, QmpCall call) {
        try {
            call.run();
        } catch (IOException e) {
            throw new QubesException(QubesException.VM_ERROR, "QMP " + what + " of " + qube + " failed: " + e.getMessage(), e);
        }
    }

    private QemuVm running(String qube, PowerState expected, String error, String message) {
        synchronized (host.lock) {
            QemuQube q = host.require(qube);
            if (q.state != expected || q.vm == null) {
                throw new QubesException(error, message);
            }
            return q.vm;
        }
    }

    private void transition(String qube, PowerState from, PowerState to, String event) {
        boolean changed;
        synchronized (host.lock) {
            QemuQube q = host.qubes.get(qube);
            changed = q != null && q.state == from;
            if (changed) {
                q.state = to;
            }
        }
        if (changed) {
            host.emit(List.of(HostEvent.of(qube, event)));
        }
    }

    /** Turns one boot's QMP events into the host's domain events. */
    Consumer<String> qmpListener(String qube, int boot) {
        return e -> onQmpEvent(qube, boot, e);
    }

    /**
     * A QEMU process of this guest that dispool holds no handle of (a launch that failed half
     * way, a QMP connection that broke while QEMU lives on): SIGKILL, so that removing the
     * guest's directory never leaves a process behind.
     */
    private void killStray(String qube) {
        GuestProcesses.all(QemuVm.marker(host.vmDir(qube))).forEach(p -> ProcessHandle.of(p.pid()).ifPresent(h -> {
            LOG.warnf("%s: killing its QEMU process %d, no longer reachable over QMP", qube, p.pid());
            h.destroyForcibly();
        }));
    }

    private void onQmpEvent(String qube, int boot, String event) {
        if (event == null) {
            killStray(qube);
            halt(qube, boot);
        } else if ("SHUTDOWN".equals(event)) {
            halt(qube, boot);
        } else if ("STOP".equals(event)) {
            transition(qube, PowerState.Running, PowerState.Paused, "domain-paused");
        } else if ("RESUME".equals(event)) {
            transition(qube, PowerState.Paused, PowerState.Running, "domain-unpaused");
        }
    }

    void kill(String qube) {
        QemuVm vm;
        int boot;
        synchronized (host.lock) {
            QemuQube q = host.require(qube);
            if (q.state == PowerState.Halted) {
                throw new QubesException(QubesException.NOT_STARTED, "Domain is powered off: '" + qube + "'");
            }
            vm = q.vm;
            boot = q.boot;
        }
        if (vm != null) {
            vm.kill(host.settings.killGrace());
        }
        halt(qube, boot);
    }

    /** The end of one boot: halted, and an auto-cleanup disposable removed with its directory (overlay). */
    void halt(String qube, int boot) {
        List<HostEvent> events = new ArrayList<>();
        QemuVm vm;
        InventoryStore.Version v;
        boolean removed = false;
        synchronized (host.lock) {
            QemuQube q = host.qubes.get(qube);
            if (q == null || q.boot != boot || q.state == PowerState.Halted) {
                return;
            }
            vm = q.vm;
            q.vm = null;
            q.state = PowerState.Halted;
            q.boot++;
            events.add(HostEvent.of(qube, "domain-shutdown"));
            if (q.isDispVm() && "True".equals(q.properties.get("auto_cleanup"))) {
                host.forgetLocked(q);
                removed = true;
                events.add(HostEvent.of("", "domain-delete", "vm", qube));
            }
            v = host.inventoryLocked();
        }
        if (vm != null) {
            vm.close();
        }
        if (removed) {
            GuestDirs.delete(host.vmDir(qube));
        }
        host.store.write(v);
        host.emit(events);
    }

    ServiceResult runService(String qube, String service, Duration timeout) {
        QemuVm vm = running(qube, PowerState.Running, QubesException.NOT_RUNNING,
                "Domain not running (either powered off or paused): '" + qube + "'");
        Optional<String> command;
        try {
            command = AgentServices.command(service);
        } catch (IllegalArgumentException e) {
            return new ServiceResult(126, e.getMessage());
        }
        try {
            if (command.isEmpty()) {
                return new ServiceResult(127, "Service " + service + " not found in " + qube
                        + " (the QEMU guest's agent knows " + AgentServices.KNOWN + ")");
            }
            if (command.get().isEmpty()) {
                if (!vm.agent().awaitReady(timeout)) {
                    throw new ServiceTimeoutException(qube, service, timeout);
                }
                synchronized (host.lock) {
                    QemuQube q = host.qubes.get(qube);
                    if (q != null && q.vm == vm) {
                        q.answered = true;
                    }
                }
                return ServiceResult.OK;
            }
            Agent.Answer a = vm.agent().call(command.get(), timeout);
            if (a == null) {
                throw new ServiceTimeoutException(qube, service, timeout);
            }
            return new ServiceResult(a.exitStatus(), a.output());
        } catch (IOException e) {
            throw new QubesException(QubesException.VM_ERROR, "call to " + service + " in " + qube + " failed: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QubesException(QubesException.GENERIC, "call to " + service + " in " + qube + " interrupted");
        }
    }
}
