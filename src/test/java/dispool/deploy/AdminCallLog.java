package dispool.deploy;

import dispool.emulator.EmulatorServices;
import dispool.host.QubeInfo;
import dispool.host.QubesException;
import dispool.host.qubesd.Transport;
import dispool.host.qubesd.wire.AdminCall;
import dispool.host.qubesd.wire.Reply;
import dispool.host.sim.SimHost;
import java.io.InputStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every call a management qube's dispool sends, recorded where it leaves the engine (the
 * {@link Transport}) as qrexec sees it: {@code (service, +argument, source, target)} with the
 * qubes as the policy would know them at that moment ({@link QrexecPolicy.Qube}: class, tags,
 * template_for_dispvms). A target that is gone by then stays out of the snapshot, so it evaluates
 * as {@code @default}, as qrexec does.
 *
 * <p>The simulated host has no tags, so this log keeps them as qubesd does: a DVM template's own
 * tags are given; a disposable gets its DVM template's tags plus {@code created-by-CREATOR} and
 * {@code disp-created-by-CREATOR} (qubes/api/admin.py {@code create_disposable},
 * qubes/vm/dispvm.py {@code tags.update}). Its creator is the management qube unless the test
 * said otherwise ({@link #createdBy}): the emulator has no other client. As qubesd does for a
 * caller that is not dom0, the listing {@code admin.vm.List} to dom0 answers only the qubes the
 * policy lets the caller list (qubes/ext/admin.py {@code admin_vm_list}). And as dom0's qrexec
 * does, a call the policy denies never reaches qubesd: it fails as {@code qrexec-client-vm}'s
 * exit 126 does, so the run itself goes through the shipped policy.
 * Readiness checks that the emulator runs through its own method are recorded as the qrexec
 * service call they stand for ({@code QrexecServices.fromManagementQube}: the service, no
 * argument, straight to the disposable).
 */
final class AdminCallLog implements Transport {

    /** One recorded call and the qubes as they were when it went out. */
    record Entry(QrexecPolicy.Request request, Map<String, QrexecPolicy.Qube> system) {
    }

    private final Transport delegate;
    private final SimHost sim;
    private final String source;
    private final QrexecPolicy policy;
    private final Map<String, Set<String>> tags = new ConcurrentHashMap<>();
    private final Map<String, String> creators = new ConcurrentHashMap<>();
    private final Map<String, QrexecPolicy.Qube> lastKnown = new ConcurrentHashMap<>();
    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    AdminCallLog(Transport delegate, SimHost sim, String source, QrexecPolicy policy) {
        this.delegate = delegate;
        this.sim = sim;
        this.source = source;
        this.policy = policy;
    }

    /** Gives a qube tags, as {@code qvm-tags QUBE add TAG} would. */
    void tag(String qube, String... added) {
        tags.computeIfAbsent(qube, q -> ConcurrentHashMap.newKeySet()).addAll(List.of(added));
    }

    /** A disposable that {@code creator}, not the management qube, made. */
    void createdBy(String disposable, String creator) {
        creators.put(disposable, creator);
    }

    /** The qube as the last snapshot that had it saw it; null if none did. */
    QrexecPolicy.Qube lastKnown(String name) {
        return lastKnown.get(name);
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The qubes now, as qrexec's system info: class, tags, template_for_dispvms. */
    Map<String, QrexecPolicy.Qube> system() {
        Map<String, QrexecPolicy.Qube> out = new LinkedHashMap<>();
        for (QubeInfo q : sim.listQubes()) {
            String klass = q.name().equals("dom0") ? "AdminVM" : q.klass();
            boolean dvm = "True".equals(sim.peekProperty(q.name(), "template_for_dispvms").orElse(""));
            QrexecPolicy.Qube qube = new QrexecPolicy.Qube(q.name(), klass, tagsOf(q), dvm,
                    sim.peekProperty(q.name(), "default_dispvm").orElse(null));
            out.put(q.name(), qube);
            lastKnown.put(q.name(), qube);
        }
        return out;
    }

    private Set<String> tagsOf(QubeInfo q) {
        Set<String> out = new HashSet<>(tags.getOrDefault(q.name(), Set.of()));
        if (q.isDispVm()) {
            sim.peekProperty(q.name(), "template").ifPresent(t -> out.addAll(tags.getOrDefault(t, Set.of())));
            String creator = creators.getOrDefault(q.name(), source);
            out.addAll(Set.of("created-by-" + creator, "disp-created-by-" + creator));
        }
        return Set.copyOf(out);
    }

    @Override
    public byte[] call(AdminCall call) {
        refuseDenied(record(call));
        byte[] reply = delegate.call(call);
        return call.method().equals("admin.vm.List") && call.dest().equals("dom0") ? listable(reply, call) : reply;
    }

    /** The listing cut to the qubes the policy lets the source list, one evaluation per qube. */
    private byte[] listable(byte[] reply, AdminCall call) {
        Map<String, QrexecPolicy.Qube> system = system();
        StringBuilder kept = new StringBuilder();
        for (String line : Reply.decode(reply, call).split("\n")) {
            String name = line.split(" ", 2)[0];
            if (policy.evaluate(new QrexecPolicy.Request("admin.vm.List", "+", source, name), system).allowed()) {
                kept.append(line).append('\n');
            }
        }
        return Reply.value(kept.toString());
    }

    @Override
    public InputStream openStream(AdminCall call) {
        refuseDenied(record(call));
        return delegate.openStream(call);
    }

    private void refuseDenied(Entry e) {
        QrexecPolicy.Decision d = policy.evaluate(e.request(), e.system());
        if (!d.allowed()) {
            throw new QubesException("QubesDaemonAccessError", "Service call error: " + e.request() + " denied by qrexec policy ("
                    + d.rule() + ")");
        }
    }

    @Override
    public String describe() {
        return "recorded " + delegate.describe();
    }

    private Entry record(AdminCall call) {
        boolean service = call.method().equals(EmulatorServices.METHOD);
        String method = service ? call.arg() : call.method();
        String arg = service ? "" : call.arg();
        Entry e = new Entry(new QrexecPolicy.Request(method, "+" + arg, source, call.dest()), system());
        entries.add(e);
        return e;
    }

    /** The distinct (service, argument, target class or tag) shapes of the log, for the report. */
    static Set<String> shapes(List<Entry> entries) {
        Set<String> out = new HashSet<>();
        for (Entry e : entries) {
            QrexecPolicy.Qube t = e.system().get(e.request().target());
            out.add(e.request().service() + e.request().argument() + " -> "
                    + (t == null ? e.request().target() + " (gone)" : t.type() + " " + t.tags()));
        }
        return out;
    }
}
