package dispool.host.qubesd.emulator;

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
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The Admin API methods dispool uses, answered from a {@link SimHost} the way qubesd R4.3 answers
 * them (reference §4): same reply formats, same exceptions, a dropped connection
 * ({@link Refused}) for protocol errors, unknown methods and the features clients may not write.
 */
final class AdminMethods {

    /**
     * Not a Qubes method: the emulator runs qrexec services of its simulated qubes through it, as
     * a real host runs them through qrexec-client. Arg = service, payload = timeout in seconds;
     * reply = exit status, a newline, then stderr.
     */
    static final String RUN_SERVICE = dispool.host.qubesd.EmulatorServices.METHOD;
    /** Type name the emulator uses for a service that outlived its timeout. */
    static final String SERVICE_TIMEOUT = dispool.host.qubesd.EmulatorServices.TIMEOUT_TYPE;

    /** Written by qubesd itself; clients get PermissionDenied (R4.3 ≥ v4.3.37). */
    private static final Set<String> PROHIBITED_FEATURES = Set.of("preload-dispvm", "preload-dispvm-completed",
            "preload-dispvm-in-progress", "deferred-netvm-original");
    private static final Set<String> VM_PROPERTIES = Set.of("template", "netvm", "guivm", "default_dispvm",
            "management_dispvm", "audiovm");

    private final SimHost host;
    private final boolean uuids;
    private final NativePreloading preloading;

    /** {@code preloading}: qubesd's own preloading (R4.3 ≥ v4.3.39), or null for a qubesd without it. */
    AdminMethods(SimHost host, boolean uuids, NativePreloading preloading) {
        this.host = host;
        this.uuids = uuids;
        this.preloading = preloading;
    }

    /** The reply value of {@code c}; throws {@link QubesException} (sent as {@code 2\x00}) or {@link Refused}. */
    String answer(AdminCall c) {
        String arg = c.arg();
        String dest = c.dest();
        return switch (c.method()) {
            case "admin.vm.List" -> noArgs(c) ? list(dest) : "";
            case "admin.vm.CurrentState" -> noArgs(c) ? "mem=0 mem_static_max=0 cputime=0 power_state=" + host.qube(dest).state() : "";
            case "admin.vm.property.Get" -> property(dest, withArg(c));
            case "admin.vm.property.GetAll" -> noArgs(c) ? allProperties(dest) : "";
            case "admin.property.Get" -> globalProperty(withArg(dom0Only(c)));
            case "admin.property.Set" -> done(() -> host.setGlobalProperty(withArg(dom0Only(c)), c.payloadText()));
            case "admin.vm.feature.Get" -> host.feature(dest, withArg(c)).orElseThrow(() -> notSet(dest, arg));
            case "admin.vm.feature.Set" -> done(() -> host.setFeature(dest, writable(withArg(c)), c.payloadText()));
            case "admin.vm.feature.Remove" -> done(() -> removeFeature(dest, writable(withArg(c))));
            case "admin.vm.volume.Info" -> volumeInfo(dest, withArg(c));
            case "admin.vm.CreateDisposable" -> createDisposable(c);
            case "admin.vm.Start" -> noArgs(c) ? done(() -> host.start(dest)) : "";
            case "admin.vm.Pause" -> noArgs(c) ? done(() -> host.pause(dest)) : "";
            case "admin.vm.Unpause" -> noArgs(c) ? done(() -> host.unpause(dest)) : "";
            case "admin.vm.Kill" -> noArgs(c) ? done(() -> host.kill(dest)) : "";
            case "admin.vm.Remove" -> noArgs(c) ? done(() -> host.remove(dest)) : "";
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
            preloading.acceptPreloadTrigger(c.dest());
            return "";
        }
        noArgs(c);
        return preloading != null ? preloading.handOut(c.dest()) : host.createDisposable(c.dest(), Map.of());
    }

    private String property(String qube, String name) {
        if (preloading != null && name.equals("is_preload") && host.qube(qube).isDispVm()) {
            return "default=False type=bool " + (preloading.isPreload(qube) ? "True" : "False");
        }
        String value = host.property(qube, name);
        return "default=False type=" + typeOf(name, value) + " " + value;
    }

    private String allProperties(String qube) {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(host.properties(qube)).forEach((name, value) -> out.append(name).append(" default=False type=")
                .append(typeOf(name, value)).append(' ').append(value.replace("\\", "\\\\").replace("\n", "\\n")).append('\n'));
        return out.toString();
    }

    private String globalProperty(String name) {
        String value = host.globalProperty(name);
        return "default=False type=" + typeOf(name, value) + " " + value;
    }

    /** Qubes' property types, inferred from the name and value the simulator keeps as text. */
    private static String typeOf(String name, String value) {
        if (VM_PROPERTIES.contains(name)) {
            return "vm";
        }
        if (name.equals("label")) {
            return "label";
        }
        if (value.equals("True") || value.equals("False")) {
            return "bool";
        }
        return value.matches("-?[0-9]+") ? "int" : "str";
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

    private static AdminCall dom0Only(AdminCall c) {
        if (!c.dest().equals("dom0")) {
            throw new Refused("ProtocolError: " + c.method() + " is for dom0 only");
        }
        return c;
    }

    private static String done(Runnable r) {
        r.run();
        return "";
    }
}
