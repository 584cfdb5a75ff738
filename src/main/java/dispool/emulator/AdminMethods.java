package dispool.emulator;

import dispool.emulator.reference.QubesdPreloading;
import dispool.host.QubeInfo;
import dispool.host.QubesException;
import dispool.host.ServiceResult;
import dispool.host.ServiceTimeoutException;
import dispool.host.VolumeInfo;
import dispool.host.qubesd.wire.AdminCall;
import dispool.host.sim.SimHost;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The Admin API methods dispool and the qvm-* tools (qvm-ls, qvm-prefs, qvm-features,
 * qvm-run --dispvm) use, answered from a {@link SimHost} the way qubesd R4.3 answers them
 * (qubes/api/admin.py; reference §4): same reply formats, same validation and exceptions, a
 * dropped connection ({@link Refused}) for protocol errors, unknown methods and the features
 * clients may not write.
 */
final class AdminMethods {

    /**
     * Not a Qubes method: the emulator runs qrexec services of its simulated qubes through it, as
     * a real host runs them through qrexec-client. Arg = service, payload = timeout in seconds;
     * reply = exit status, a newline, then stderr.
     */
    static final String RUN_SERVICE = EmulatorServices.METHOD;
    /** Type name the emulator uses for a service that outlived its timeout. */
    static final String SERVICE_TIMEOUT = EmulatorServices.TIMEOUT_TYPE;

    /** Written by qubesd itself; clients get PermissionDenied (R4.3 ≥ v4.3.37). */
    private static final Set<String> PROHIBITED_FEATURES = Set.of("preload-dispvm", "preload-dispvm-completed",
            "preload-dispvm-in-progress", "deferred-netvm-original");

    private final SimHost host;
    private final boolean uuids;
    private final QubesdPreloading preloading;
    private final AdminProperties properties;

    /** {@code preloading}: qubesd's own preloading (R4.3 ≥ v4.3.39), or null for a qubesd without it. */
    AdminMethods(SimHost host, boolean uuids, QubesdPreloading preloading) {
        this.host = host;
        this.uuids = uuids;
        this.preloading = preloading;
        this.properties = new AdminProperties(host, preloading);
    }

    /** The reply value of {@code c}; throws {@link QubesException} (sent as {@code 2\x00}) or {@link Refused}. */
    String answer(AdminCall c) {
        String arg = c.arg();
        String dest = c.dest();
        return switch (c.method()) {
            case "admin.vm.List" -> noArgs(c) ? list(dest) : "";
            case "admin.vm.CurrentState" -> noArgs(c) ? currentState(dest) : "";
            case "admin.vm.property.List" -> noArgs(c) ? properties.list(dest) : "";
            case "admin.vm.property.Get" -> properties.get(dest, withArg(c));
            case "admin.vm.property.GetAll" -> noArgs(c) ? properties.getAll(dest) : "";
            case "admin.vm.property.GetDefault" -> properties.getDefault(dest, withArg(c));
            case "admin.vm.property.Set" -> done(() -> properties.set(dest, withArg(c), c.payloadText()));
            case "admin.vm.property.Reset" -> done(() -> properties.reset(dest, withArg(noPayload(c))));
            case "admin.vm.property.Help" -> properties.help(dest, withArg(c));
            case "admin.property.Get" -> globalProperty(withArg(dom0Only(c)));
            case "admin.property.Set" -> done(() -> setGlobalProperty(withArg(dom0Only(c)), c.payloadText()));
            case "admin.vm.feature.List" -> noArgs(c) ? featureList(dest) : "";
            case "admin.vm.feature.Get" -> host.feature(dest, withArg(c)).orElseThrow(() -> notSet(dest, arg));
            case "admin.vm.feature.CheckWithTemplate" -> checkWithTemplate(dest, withArg(c));
            case "admin.vm.feature.Set" -> done(() -> host.setFeature(dest, writable(withArg(c)), c.payloadText()));
            case "admin.vm.feature.Remove" -> done(() -> removeFeature(dest, writable(withArg(c))));
            case "admin.vm.volume.List" -> noArgs(c) ? lines(host.volumeNames(dest)) : "";
            case "admin.vm.volume.Info" -> volumeInfo(dest, withArg(c));
            case "admin.label.List" -> noArgs(dom0Only(c)) ? lines(PropertySchema.LABELS.keySet()) : "";
            case "admin.label.Get" -> PropertySchema.LABELS.get(label(withArg(dom0Only(c))));
            case "admin.label.Index" -> Integer.toString(List.copyOf(PropertySchema.LABELS.keySet()).indexOf(label(withArg(dom0Only(c)))) + 1);
            case "admin.vm.CreateDisposable" -> createDisposable(c);
            case "admin.vm.Create.DispVM" -> createNamedDisposable(dom0Only(c));
            case "admin.vm.Start" -> noArgs(c) ? done(() -> host.start(dest)) : "";
            case "admin.vm.Pause" -> noArgs(c) ? done(() -> host.pause(dest)) : "";
            case "admin.vm.Unpause" -> noArgs(c) ? done(() -> host.unpause(dest)) : "";
            case "admin.vm.Shutdown" -> done(() -> shutdown(c));
            case "admin.vm.Kill" -> noArgs(c) ? done(() -> host.kill(dest)) : "";
            case "admin.vm.Remove" -> noArgs(c) ? done(() -> remove(dest)) : "";
            case RUN_SERVICE -> runService(dest, withArg(c), c.payloadText());
            default -> throw new Refused("unknown method " + c.method());
        };
    }

    private String list(String dest) {
        StringBuilder out = new StringBuilder();
        for (QubeInfo q : dest.equals("dom0") ? host.listQubes() : List.of(host.qube(dest))) {
            out.append(q.name()).append(" class=").append(q.klass()).append(" state=").append(q.state());
            if (uuids) {
                out.append(" uuid=").append(q.name().equals("dom0") ? new UUID(0, 0) : UUID.nameUUIDFromBytes(q.name().getBytes()));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private String createDisposable(AdminCall c) {
        if (preloading != null && c.arg().equals("preload") && c.payload().length == 0) {
            preloading.preloadRequested(c.dest());
            return "";
        }
        noArgs(c);
        return preloading != null ? preloading.createDisposable(c.dest()).name() : host.createDisposable(c.dest(), Map.of());
    }

    /** {@code admin.vm.Create.DispVM+TEMPLATE} with payload {@code name=N label=L} (qubes/api/admin.py, {@code _vm_create}). */
    private String createNamedDisposable(AdminCall c) {
        Map<String, String> params = new TreeMap<>();
        for (String p : c.payloadText().split(" ")) {
            int eq = p.indexOf('=');
            if (eq < 0 || params.put(p.substring(0, eq), p.substring(eq + 1)) != null) {
                throw new Refused("ProtocolError: invalid or duplicated parameter " + p);
            }
        }
        if (!params.keySet().equals(java.util.Set.of("name", "label")) || c.arg().isEmpty()) {
            throw new Refused("ProtocolError: Missing name or label");
        }
        if (!PropertySchema.LABELS.containsKey(params.get("label"))) {
            throw new QubesException("QubesLabelNotFoundError", "Label does not exist: " + params.get("label"));
        }
        String problem = dispool.host.QubeNames.problem(params.get("name"));
        if (problem != null) {
            throw new QubesException("QubesValueError", "VM name is invalid: " + problem);
        }
        host.createDisposable(c.arg(), params.get("name"), Map.of());
        return "";
    }

    /**
     * {@code admin.vm.Shutdown[+force][+wait]} (qubes/api/admin.py {@code vm_shutdown}): the guards
     * qubesd runs before it; the simulated qube then stops at once, as a kill (the simulator has no
     * guest to shut down cleanly).
     */
    private void shutdown(AdminCall c) {
        List<String> args = c.arg().isEmpty() ? List.of() : List.of(c.arg().split("\\+"));
        if (c.payload().length != 0 || !Set.of("force", "wait").containsAll(args)) {
            throw new Refused("ProtocolError: admin.vm.Shutdown takes force and wait only, no payload");
        }
        if (!host.qube(c.dest()).state().isActive()) {
            throw new QubesException(QubesException.NOT_STARTED, "Domain is powered off: '" + c.dest() + "'");
        }
        properties.guards().beforeShutdown(c.dest(), args.contains("force"));
        host.kill(c.dest());
    }

    /** {@code admin.vm.Remove}: a running qube is refused first, then the qube's users ({@link QubesdGuards#beforeRemove}). */
    private void remove(String qube) {
        if (host.qube(qube).state().isActive()) {
            throw new QubesException(QubesException.NOT_HALTED, "Domain is not powered off: '" + qube + "'");
        }
        properties.guards().beforeRemove(qube);
        host.remove(qube);
    }

    private String globalProperty(String name) {
        String value = host.globalProperty(name);
        return "default=False type=" + PropertySchema.wireType(PropertySchema.of(name, value).type()) + " " + value;
    }

    /**
     * {@code admin.vm.CurrentState}: the memory the qube holds now in KiB, from the simulator's
     * qmemman model (a paused preload keeps what it was paused with), and its maximum
     * ({@code maxmem}, else {@code memory}); qvm-ls's MEMORY column and dispool's preload memory read it.
     */
    private String currentState(String qube) {
        QubeInfo q = host.qube(qube);
        boolean holds = q.state().isActive() && !q.klass().equals("AdminVM");
        long kib = holds ? host.currentMemoryKiB(qube) : 0;
        long maxKib = 0;
        if (holds) {
            Map<String, String> p = host.properties(qube);
            long maxmem = Long.parseLong(p.getOrDefault("maxmem", "0"));
            maxKib = (maxmem > 0 ? maxmem : Long.parseLong(p.getOrDefault("memory", "0"))) * 1024;
        }
        return "mem=" + kib + " mem_static_max=" + maxKib + " cputime=0 power_state=" + q.state();
    }

    private String featureList(String qube) {
        return lines(new TreeMap<>(host.features(qube)).keySet());
    }

    /** {@code features.check_with_template}: the qube's feature, else its template's. */
    private String checkWithTemplate(String qube, String feature) {
        Optional<String> own = host.feature(qube, feature);
        if (own.isPresent()) {
            return own.get();
        }
        String template = host.properties(qube).getOrDefault("template", "");
        return (template.isEmpty() ? Optional.<String>empty() : host.feature(template, feature))
                .orElseThrow(() -> notSet(qube, feature));
    }

    private static String label(String name) {
        if (!PropertySchema.LABELS.containsKey(name)) {
            throw new QubesException("QubesLabelNotFoundError", "Label does not exist: " + name);
        }
        return name;
    }

    private static String lines(java.util.Collection<String> names) {
        StringBuilder out = new StringBuilder();
        names.forEach(n -> out.append(n).append('\n'));
        return out.toString();
    }

    private void removeFeature(String qube, String feature) {
        if (host.feature(qube, feature).isEmpty()) {
            throw notSet(qube, feature);
        }
        host.removeFeature(qube, feature);
    }

    private String volumeInfo(String qube, String volume) {
        VolumeInfo info;
        try {
            info = host.volume(qube, volume);
        } catch (QubesException e) {
            if (e.is(QubesException.VM_NOT_FOUND)) {
                throw e;
            }
            throw new Refused("unknown volume " + volume + " of " + qube); // R4.3: ProtocolError
        }
        return "pool=varlibqubes\nvid=qubes_dom0/vm-" + qube + "-" + volume + "\nsize=" + info.size() + "\nusage=0\nrw=True\n"
                + "source=\npath=\nsave_on_stop=False\nsnap_on_start=False\nrevisions_to_keep=0\nephemeral=False\n"
                + "is_outdated=" + (info.outdated() ? "True" : "False") + "\n";
    }

    private String runService(String qube, String service, String timeoutSeconds) {
        Duration timeout;
        try {
            timeout = Duration.ofSeconds(Long.parseLong(timeoutSeconds));
        } catch (NumberFormatException e) {
            throw new Refused(RUN_SERVICE + ": timeout '" + timeoutSeconds + "' is not a number of seconds");
        }
        try {
            ServiceResult r = host.runService(qube, service, timeout);
            return r.exitStatus() + "\n" + r.stderr();
        } catch (ServiceTimeoutException e) {
            throw new QubesException(SERVICE_TIMEOUT, e.getMessage());
        }
    }

    private static QubesException notSet(String qube, String feature) {
        return new QubesException("QubesFeatureNotFoundError", "Feature not set for domain " + qube + ": " + feature);
    }

    private static String writable(String feature) {
        if (PROHIBITED_FEATURES.contains(feature)) {
            throw new Refused("PermissionDenied: feature " + feature + " is written by qubesd only");
        }
        return feature;
    }

    private static boolean noArgs(AdminCall c) {
        if (!c.arg().isEmpty() || c.payload().length != 0) {
            throw new Refused("ProtocolError: " + c.method() + " takes no argument and no payload");
        }
        return true;
    }

    private static String withArg(AdminCall c) {
        if (c.arg().isEmpty()) {
            throw new Refused("ProtocolError: " + c.method() + " needs an argument");
        }
        return c.arg();
    }

    private static AdminCall noPayload(AdminCall c) {
        if (c.payload().length != 0) {
            throw new Refused("ProtocolError: " + c.method() + " takes no payload");
        }
        return c;
    }

    private static AdminCall dom0Only(AdminCall c) {
        if (!c.dest().equals("dom0")) {
            throw new Refused("ProtocolError: " + c.method() + " is for dom0 only");
        }
        return c;
    }

    /** {@code admin.property.Set}: through qubesd's own preloading when it has it (its setters and handlers). */
    private void setGlobalProperty(String name, String value) {
        if (preloading != null) {
            preloading.setGlobalProperty(name, value);
        } else {
            host.setGlobalProperty(name, value);
        }
    }

    private static String done(Runnable r) {
        r.run();
        return "";
    }
}
