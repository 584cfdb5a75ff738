package dispool.host.sim;

import dispool.host.HostEvent;
import dispool.host.PowerState;
import dispool.host.QubesException;
import dispool.host.ServiceResult;
import dispool.host.ServiceTimeoutException;
import dispool.host.sim.LatencyModel.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The simulated host's power calls: create, start (with qmemman's admission), service calls,
 * pause, unpause, kill and remove, each sleeping its drawn latency outside the lock and emitting
 * its events after the change, as {@link SimHost} describes.
 */
final class SimLifecycle {

    private final SimCore core;
    private final SimVolumes volumes;

    SimLifecycle(SimCore core, SimVolumes volumes) {
        this.core = core;
        this.volumes = volumes;
    }

    /**
     * {@code admin.vm.Create.DispVM} with {@code name=}: a disposable named by its creator, without
     * auto-cleanup until it is set (qubesd's default for a disposable it did not name). {@code name}
     * null: qubesd's own {@code dispN} with auto-cleanup, as {@code admin.vm.CreateDisposable}.
     */
    String createDisposable(String dvmTemplate, String named, Map<String, String> features) {
        core.call(SimOp.CREATE, dvmTemplate);
        synchronized (core.lock) {
            core.inventory.dvmTemplate(dvmTemplate);
        }
        core.sleep(SimOp.CREATE, Step.CREATE, 1.0, dvmTemplate);
        List<HostEvent> events = new ArrayList<>();
        String name;
        synchronized (core.lock) {
            SimQube template = core.inventory.dvmTemplate(dvmTemplate);
            SimQube d = core.inventory.addDisposable(dvmTemplate, named, features,
                    n -> new SimQube(n, "DispVM", PowerState.Halted, template.bootFactor), events);
            d.volumes.putAll(template.volumes);
            name = d.name;
            core.created.add(name);
            core.creationSerial.put(name, ++core.creations);
        }
        core.emit(events);
        return name;
    }

    void start(String qube) {
        core.call(SimOp.START, qube);
        int boot;
        double factor;
        double startFactor;
        synchronized (core.lock) {
            SimQube q = core.require(qube);
            if (q.state != PowerState.Halted) {
                return;
            }
            // qubesd asks qmemman for the memory first (request_memory); paused qubes cannot balloon down
            if (core.memory.obtainableMiB() < q.memoryMiB()) {
                throw new QubesException(QubesException.MEMORY_ERROR, "Not enough memory to start domain '" + qube + "'");
            }
            q.state = PowerState.Transient;
            core.memory.started(qube, q.memoryMiB(), Long.parseLong(q.properties.getOrDefault("maxmem", "0")));
            q.operational = false;
            volumes.snapshotLocked(q);
            boot = ++q.boot;
            factor = q.bootFactor;
            startFactor = factor * bootContentionLocked();
        }
        core.emit(List.of(HostEvent.of(qube, "domain-pre-start", "start_guid", "True", "mem_required", "None")));
        boolean failed = core.faults.shouldFail(SimOp.START, core.random);
        core.sleep(SimOp.START, Step.START, startFactor, qube);
        if (failed) {
            failStart(qube, boot);
        }
        List<HostEvent> events = new ArrayList<>();
        synchronized (core.lock) {
            SimQube q = core.qubes.get(qube);
            if (q == null || q.boot != boot || q.state != PowerState.Transient) {
                throw new QubesException(QubesException.VM_ERROR, "Start failed: domain '" + qube + "' was stopped while starting");
            }
            q.state = PowerState.Running;
            q.operationalAtNanos = core.clock.nanos()
                    + core.latency.draw(Step.OPERATIONAL, factor * bootContentionLocked(), core.random).toNanos();
            events.add(HostEvent.of(qube, "domain-unpaused"));
            events.add(HostEvent.of(qube, "domain-start", "start_guid", "True"));
        }
        core.emit(events);
    }

    /**
     * The slow-down of a boot step drawn now ({@link LatencyModel#contention}): the qubes booting
     * are those starting, and those running that are not yet operational (the drawing one is one
     * of them).
     */
    private double bootContentionLocked() {
        if (core.bootSlots <= 0) {
            return 1.0;
        }
        long now = core.clock.nanos();
        int booting = 0;
        for (SimQube q : core.qubes.values()) {
            if (q.state == PowerState.Transient || q.state == PowerState.Running && q.operationalAtNanos > now) {
                booting++;
            }
        }
        return LatencyModel.contention(booting, core.bootSlots);
    }

    /** A failed start leaves nothing behind: a disposable is killed and removed, as qubesd does. */
    private void failStart(String qube, int boot) {
        List<HostEvent> events = new ArrayList<>();
        synchronized (core.lock) {
            SimQube q = core.qubes.get(qube);
            if (q != null && q.boot == boot) {
                haltLocked(q, events);
            }
        }
        core.emit(events);
        throw new QubesException(QubesException.VM_ERROR, "Cannot connect to qrexec agent for 60 seconds, see "
                + "/var/log/xen/console/guest-" + qube + ".log for details (simulated fault)");
    }

    ServiceResult runService(String qube, String service, Duration timeout) {
        core.calls.get(SimOp.RUN_SERVICE).incrementAndGet(); // a hung service call times out below, like qrexec
        core.faults.failIfDown(SimOp.RUN_SERVICE, qube);
        long readyAt;
        int boot;
        synchronized (core.lock) {
            SimQube q = core.require(qube);
            if (q.state != PowerState.Running) {
                throw new QubesException(QubesException.NOT_RUNNING, "Domain not running (either powered off or paused): '"
                        + qube + "'");
            }
            boot = q.boot;
            readyAt = switch (service) {
                case "qubes.WaitForRunningSystem" -> q.operationalAtNanos;
                case "qubes.WaitForSession" -> q.operationalAtNanos
                        + core.latency.draw(Step.SESSION, q.bootFactor, core.random).toNanos();
                // a simulated command (dispool run): succeeds with no output once the system is up
                default -> service.startsWith("qubes.VMExec+") ? q.operationalAtNanos : Long.MIN_VALUE;
            };
        }
        if (readyAt == Long.MIN_VALUE) {
            return new ServiceResult(127, "Service " + service + " not found in " + qube);
        }
        if (core.faults.hang(SimOp.RUN_SERVICE, true) != null || core.faults.shouldTimeOut(SimOp.RUN_SERVICE, core.random)) {
            core.sleep(timeout, qube);
            throw new ServiceTimeoutException(qube, service, timeout);
        }
        Duration wait = Duration.ofNanos(Math.max(0, readyAt - core.clock.nanos()))
                .plus(core.latency.draw(Step.SERVICE_CALL, core.faults.slowFactor(SimOp.RUN_SERVICE), core.random));
        if (wait.compareTo(timeout) > 0) {
            core.sleep(timeout, qube);
            throw new ServiceTimeoutException(qube, service, timeout);
        }
        core.sleep(wait, qube);
        if (core.faults.shouldFail(SimOp.RUN_SERVICE, core.random)) {
            return new ServiceResult(1, "systemctl is-system-running: degraded (simulated fault)");
        }
        synchronized (core.lock) {
            SimQube q = core.qubes.get(qube);
            if (q != null && q.boot == boot && service.equals("qubes.WaitForRunningSystem")) {
                q.operational = true;
            }
        }
        return ServiceResult.OK;
    }

    void pause(String qube) {
        core.call(SimOp.PAUSE, qube);
        core.sleep(SimOp.PAUSE, Step.PAUSE, 1.0, qube);
        transition(qube, PowerState.Running, PowerState.Paused, "domain-paused", QubesException.NOT_RUNNING,
                "Domain not running (either powered off or paused): '" + qube + "'");
    }

    void unpause(String qube) {
        core.call(SimOp.UNPAUSE, qube);
        core.sleep(SimOp.UNPAUSE, Step.UNPAUSE, 1.0, qube);
        transition(qube, PowerState.Paused, PowerState.Running, "domain-unpaused", QubesException.NOT_PAUSED,
                "Domain is not paused: '" + qube + "'");
    }

    private void transition(String qube, PowerState from, PowerState to, String event, String error, String message) {
        synchronized (core.lock) {
            SimQube q = core.require(qube);
            if (q.state != from) {
                throw new QubesException(error, message);
            }
            q.state = to;
            if (to == PowerState.Paused) {
                core.memory.paused(qube, isQubesdPreloadLocked(q));
            } else {
                core.memory.unpaused(qube);
            }
        }
        core.emit(List.of(HostEvent.of(qube, event)));
    }

    /** {@code is_preload}: listed in its DVM template's {@code preload-dispvm} (qubesd's own preloads, not dispool's). */
    private boolean isQubesdPreloadLocked(SimQube q) {
        SimQube template = core.qubes.get(q.properties.getOrDefault("template", ""));
        return q.isDispVm() && template != null
                && Arrays.asList(template.features.getOrDefault("preload-dispvm", "").split(" ")).contains(q.name);
    }

    void kill(String qube) {
        core.call(SimOp.KILL, qube);
        synchronized (core.lock) {
            if (core.require(qube).state == PowerState.Halted) {
                throw new QubesException(QubesException.NOT_STARTED, "Domain is powered off: '" + qube + "'");
            }
        }
        core.sleep(SimOp.KILL, Step.KILL, 1.0, qube);
        List<HostEvent> events = new ArrayList<>();
        synchronized (core.lock) {
            SimQube q = core.require(qube);
            if (q.state != PowerState.Halted) {
                haltLocked(q, events);
            }
        }
        core.emit(events);
    }

    /** Halts a qube; an auto-cleanup disposable then disappears. */
    private void haltLocked(SimQube q, List<HostEvent> events) {
        q.state = PowerState.Halted;
        q.operational = false;
        q.operationalAtNanos = Long.MAX_VALUE;
        q.snapshots.clear();
        q.boot++;
        core.memory.halted(q.name);
        events.add(HostEvent.of(q.name, "domain-shutdown"));
        if (q.isAutoCleanup()) {
            forgetLocked(q.name);
            events.add(HostEvent.of("", "domain-delete", "vm", q.name));
        }
    }

    void remove(String qube) {
        core.call(SimOp.REMOVE, qube);
        synchronized (core.lock) {
            if (core.require(qube).state != PowerState.Halted) {
                throw new QubesException(QubesException.NOT_HALTED, "Domain is not powered off: '" + qube + "'");
            }
        }
        core.sleep(SimOp.REMOVE, Step.REMOVE, 1.0, qube);
        synchronized (core.lock) {
            core.require(qube);
            forgetLocked(qube);
        }
        core.emit(List.of(HostEvent.of("", "domain-delete", "vm", qube)));
    }

    /** Drops a qube; a disposable's dispid may be drawn again later ({@link DispIds}). */
    private void forgetLocked(String name) {
        core.inventory.forget(name);
    }
}
