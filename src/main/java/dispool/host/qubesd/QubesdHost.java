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
import java.nio.file.Path;
import java.security.SecureRandom;
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

    /**
     * The names dispool gives its disposables: {@code disp} and a random number from this range,
     * above qubesd's own dispids (0 to 9999, qubes.config.max_dispid), so it never takes a name
     * qubesd would give.
     */
    static final int MIN_OWN_DISPID = 10_000;
    static final int MAX_OWN_DISPID = 100_000_000;

    private final Transport transport;
    private final ServiceRunner services;
    private final MemorySource memory;
    private final EventStream events;
    private final CreationJournal journal;
    private final SecureRandom random = new SecureRandom();

    public QubesdHost(Transport transport, ServiceRunner services, MemorySource memory, Backoff reconnect) {
        this(transport, services, memory, reconnect, CreationJournal.inMemory());
    }

    /** @param creations where the names of disposables being created are recorded before each creation */
    public QubesdHost(Transport transport, ServiceRunner services, MemorySource memory, Backoff reconnect,
            Path creations) {
        this(transport, services, memory, reconnect, CreationJournal.at(creations));
    }

    private QubesdHost(Transport transport, ServiceRunner services, MemorySource memory, Backoff reconnect,
            CreationJournal journal) {
        this.transport = transport;
        this.services = services;
        this.memory = memory;
        this.events = new EventStream(transport, reconnect);
        this.journal = journal;
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

    /**
     * {@code admin.vm.List} on the qube: one line, except for dom0, where qubesd lists every qube
     * and dom0's own line is picked. Any other answer is an error that names no other qube (it
     * may reach a caller who was not allowed to see the inventory).
     */
    @Override
    public QubeInfo qube(String name) {
        List<QubeInfo> listed = Values.qubeList(call("admin.vm.List", "", name, ""));
        if (name.equals("dom0")) {
            return listed.stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow(() -> new QubesException(
                    QubesException.GENERIC, "admin.vm.List on dom0 answered " + listed.size() + " qubes, dom0 not among them"));
        }
        if (listed.size() != 1 || !listed.get(0).name().equals(name)) {
            throw new QubesException(QubesException.GENERIC, "admin.vm.List on " + name + " answered " + listed.size()
                    + " qubes where qubesd lists only " + name + ": refused; is dispool talking to qubesd?");
        }
        return listed.get(0);
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
        return featureCall("admin.vm.feature.Get", qube, feature);
    }

    /**
     * One {@code admin.vm.feature.CheckWithTemplate} on the qube: qubesd walks the template chain
     * itself, so a management qube's policy needs no line for the TemplateVM.
     */
    @Override
    public Optional<String> featureWithTemplate(String qube, String feature) {
        return featureCall("admin.vm.feature.CheckWithTemplate", qube, feature);
    }

    /** A feature read; qubesd's QubesFeatureNotFoundError is "not set". */
    private Optional<String> featureCall(String method, String qube, String feature) {
        try {
            return Optional.of(call(method, feature, qube, ""));
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
     * Without marks (a hand-out of qubesd's own preloads): {@code admin.vm.CreateDisposable} on the
     * template. With marks: a disposable whose name dispool chooses and records in its
     * {@link CreationJournal} first, then {@code admin.vm.Create.DispVM} (qubesd copies the
     * template's properties and features as for any disposable), {@code auto_cleanup} on, and one
     * {@code admin.vm.feature.Set} per mark. qubesd has no call that creates and marks at once, and
     * finishes a creation whose caller died: the recorded name is what proves, after a crash, that
     * the unmarked qube is dispool's ({@link #unfinishedCreations}). When a step fails the
     * new disposable is removed again, so no unmarked preload is left behind.
     */
    @Override
    public String createDisposable(String dvmTemplate, Map<String, String> features) {
        if (features.isEmpty()) {
            return call("admin.vm.CreateDisposable", "", dvmTemplate, "");
        }
        String label = property(dvmTemplate, "label");
        String name = "disp" + (MIN_OWN_DISPID + random.nextInt(MAX_OWN_DISPID - MIN_OWN_DISPID));
        journal.add(name);
        boolean created = false;
        try {
            call("admin.vm.Create.DispVM", dvmTemplate, "dom0", "name=" + name + " label=" + label);
            created = true;
            call("admin.vm.property.Set", "auto_cleanup", name, "True");
            features.forEach((f, v) -> setFeature(name, f, v));
        } catch (QubesException e) {
            if (created) {
                try {
                    remove(name);
                } catch (QubesException cleanup) {
                    e.addSuppressed(cleanup);
                    throw e; // still recorded: the next start removes it
                }
            }
            journal.remove(name);
            throw e;
        }
        journal.remove(name);
        return name;
    }

    /**
     * The names still in the creation journal: disposables a crash left between their creation
     * and their marks, or that were never created. The engine's restart recovery removes the ones
     * on the host before its first creation, each call on its own (no lock: nothing creates yet).
     */
    @Override
    public List<String> unfinishedCreations() {
        return journal.pending();
    }

    @Override
    public void creationDealtWith(String name) {
        journal.remove(name);
    }

    @Override
    public void start(String qube) {
        call("admin.vm.Start", "", qube, "");
    }

    @Override
    public void pause(String qube) {
        memory.beforePause(this, qube); // row 14: R4.3's qubesd shrinks its preloads before it pauses them
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

    /**
     * {@code admin.vm.CurrentState} on the qube: {@code mem=KiB mem_static_max=KiB cputime=..
     * power_state=..} (qubes/api/admin.py {@code vm_current_state}, R4.2 and R4.3 alike), where
     * {@code mem} is libvirt's current memory of the domain, 0 when it does not run.
     */
    @Override
    public long currentMemoryKiB(String qube) {
        String mem = Values.words(call("admin.vm.CurrentState", "", qube, ""), "admin.vm.CurrentState").get("mem");
        try {
            return Long.parseLong(mem);
        } catch (NumberFormatException e) {
            throw new QubesException(QubesException.GENERIC, "admin.vm.CurrentState on " + qube + ": mem '" + mem
                    + "' is not a number of KiB");
        }
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
