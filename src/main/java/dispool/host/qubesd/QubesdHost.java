package dispool.host.qubesd;

import dispool.host.Backoff;
import dispool.host.Clock;
import dispool.host.HostEvent;
import dispool.host.PowerState;
import dispool.host.QubeInfo;
import dispool.host.QubesException;
import dispool.host.QubesHost;
import dispool.host.ServiceResult;
import dispool.host.VolumeInfo;
import dispool.host.qubesd.wire.AdminCall;
import dispool.host.qubesd.wire.Reply;
import dispool.host.qubesd.wire.Values;
import io.smallrye.mutiny.Multi;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A real Qubes OS host through the Admin API (qubesd), from dom0 or from a management qube,
 * depending on the {@link Transport}. Each {@link QubesHost} method is one Admin API call (see
 * the reference, §4), except where noted: creating a disposable sets its marks with one
 * {@code admin.vm.feature.Set} each, and a service call first checks that the qube runs.
 *
 * <p>Every qube name is checked against Qubes' name rule before it goes on the wire
 * ({@link AdminCall}); qubesd's exceptions come back as {@link QubesException}s with Qubes' type
 * names and messages.
 */
public final class QubesdHost implements QubesHost {

    private final Transport transport;
    private final ServiceRunner services;
    private final MemorySource memory;
    private final EventStream events;

    public QubesdHost(Transport transport, ServiceRunner services, MemorySource memory, Backoff reconnect) {
        this.transport = transport;
        this.services = services;
        this.memory = memory;
        this.events = new EventStream(transport, reconnect);
    }

    /** One call from dom0's point of view (qrexec rewrites the source for a management qube). */
    String call(String method, String arg, String dest, String payload) {
        AdminCall c = AdminCall.of(method, arg, dest, payload);
        return Reply.decode(transport.call(c), c);
    }

    // ------------------------------------------------------------------ reading

    @Override
    public List<QubeInfo> listQubes() {
        return Values.qubeList(call("admin.vm.List", "", "dom0", ""));
    }

    /** The raw listing, for release detection (R4.3 lists {@code uuid=}). */
    String listText() {
        return call("admin.vm.List", "", "dom0", "");
    }

    @Override
    public QubeInfo qube(String name) {
        List<QubeInfo> one = Values.qubeList(call("admin.vm.List", "", name, ""));
        if (one.size() != 1 || !one.get(0).name().equals(name)) {
            throw new QubesException(QubesException.GENERIC, "admin.vm.List on " + name + " answered " + one);
        }
        return one.get(0);
    }

    @Override
    public String property(String qube, String property) {
        return Values.property(call("admin.vm.property.Get", property, qube, "")).value();
    }

    @Override
    public Map<String, String> properties(String qube) {
        return Values.allProperties(call("admin.vm.property.GetAll", "", qube, ""));
    }

    @Override
    public String globalProperty(String property) {
        return Values.property(call("admin.property.Get", property, "dom0", "")).value();
    }

    @Override
    public void setGlobalProperty(String property, String value) {
        call("admin.property.Set", property, "dom0", value);
    }

    @Override
    public Optional<String> feature(String qube, String feature) {
        try {
            return Optional.of(call("admin.vm.feature.Get", feature, qube, ""));
        } catch (QubesException e) {
            if (e.is(Errors.FEATURE_NOT_FOUND)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void setFeature(String qube, String feature, String value) {
        call("admin.vm.feature.Set", feature, qube, value);
    }

    @Override
    public void removeFeature(String qube, String feature) {
        try {
            call("admin.vm.feature.Remove", feature, qube, "");
        } catch (QubesException e) {
            if (!e.is(Errors.FEATURE_NOT_FOUND)) {
                throw e;
            }
        }
    }

    /** {@code is_outdated} is absent when the storage pool cannot tell (qubesd skips it on NotImplementedError): not outdated. */
    @Override
    public VolumeInfo volume(String qube, String volume) {
        Map<String, String> info = Values.keyValueLines(call("admin.vm.volume.Info", volume, qube, ""), "admin.vm.volume.Info");
        String size = info.get("size");
        try {
            return new VolumeInfo(Long.parseLong(size), "True".equals(info.get("is_outdated")));
        } catch (NumberFormatException e) {
            throw new QubesException(QubesException.GENERIC, "admin.vm.volume.Info+" + volume + " on " + qube
                    + ": size '" + size + "' is not a number of bytes");
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * {@code admin.vm.CreateDisposable} on the template, then one {@code admin.vm.feature.Set} per
     * mark. qubesd has no call that does both at once; when a mark cannot be set the new
     * disposable (still Halted) is removed again, so no unmarked preload is left behind.
     */
    @Override
    public String createDisposable(String dvmTemplate, Map<String, String> features) {
        String name = call("admin.vm.CreateDisposable", "", dvmTemplate, "");
        try {
            features.forEach((f, v) -> setFeature(name, f, v));
        } catch (QubesException e) {
            try {
                remove(name);
            } catch (QubesException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return name;
    }

    @Override
    public void start(String qube) {
        call("admin.vm.Start", "", qube, "");
    }

    @Override
    public void pause(String qube) {
        call("admin.vm.Pause", "", qube, "");
    }

    @Override
    public void unpause(String qube) {
        call("admin.vm.Unpause", "", qube, "");
    }

    @Override
    public void kill(String qube) {
        call("admin.vm.Kill", "", qube, "");
    }

    @Override
    public void remove(String qube) {
        call("admin.vm.Remove", "", qube, "");
    }

    /**
     * qubesd refuses services in paused qubes and a raw qrexec call to one would block, so the
     * state is checked first (one {@code admin.vm.List} call), then the service runs.
     */
    @Override
    public ServiceResult runService(String qube, String service, Duration timeout) {
        PowerState state = qube(qube).state();
        if (state != PowerState.Running) {
            throw new QubesException(QubesException.NOT_RUNNING, "Domain not running (either powered off or paused): '"
                    + qube + "' (state " + state + "), cannot run " + service);
        }
        return services.run(qube, service, timeout);
    }

    @Override
    public OptionalLong availableMemory() {
        return memory.available(this);
    }

    /** Where {@link #availableMemory()} comes from: qmemman's file or dispool's own budget. */
    @Override
    public String availableMemorySource() {
        return memory.describe();
    }

    @Override
    public Multi<HostEvent> events() {
        return events.multi();
    }

    @Override
    public Clock clock() {
        return Clock.system();
    }
}
