package dispool.host.qubesd;

import dispool.host.QubeInfo;
import dispool.host.QubesException;
import dispool.host.qubesd.wire.Reply;
import dispool.host.qubesd.wire.Values;
import java.util.List;
import java.util.Optional;

/**
 * Tells whether qubesd preloads disposables by itself (R4.3 ≥ v4.3.29), from what the Admin API
 * shows, without changing anything a user would see:
 * <ol>
 * <li>{@code admin.vm.List} without {@code uuid=} is older than v4.3.9 (R4.2): managed;</li>
 * <li>else, if a disposable exists, qubesd with native preloading gives every DispVM the read-only
 *     property {@code is_preload}; {@code QubesNoSuchPropertyError} means it has none: managed;</li>
 * <li>else {@code admin.vm.CreateDisposable+preload} on a DVM template (≥ v4.3.39): qubesd accepts
 *     it and runs its own refill (with the template's own max, which is what it would do anyway).
 *     Only a protocol refusal means managed: an older qubesd rejects the argument in
 *     {@code enforce()} (PermissionDenied), which it answers by dropping the call (an empty reply:
 *     {@code QubesDaemonNoResponseError} on the socket, {@code QubesDaemonAccessError} through
 *     qrexec, as for a policy refusal or an unknown method). Any Qubes exception (say
 *     {@code QubesValueError} "Qube does not support the RPC …") comes from the refill itself, so
 *     qubesd has native preloading: native. v4.3.29–v4.3.38 without any disposable cannot be told
 *     apart this way: set {@code dispool.qubes.mode=native} there.</li>
 * </ol>
 * In managed mode the engine still leaves alone a template whose own {@code preload-dispvm} list
 * is not empty (qubesd preloads it), so a wrong guess never preloads one template twice.
 */
public final class ModeDetection {

    /** The outcome and why, for the start-up log line. */
    public record Result(QubesdMode mode, String reason) {
    }

    private ModeDetection() {
    }

    public static Result detect(QubesdHost host) {
        String listing = host.listText();
        if (!Values.listsUuids(listing)) {
            return new Result(QubesdMode.MANAGED, "admin.vm.List has no uuid= (qubesd older than R4.3): no native preloading");
        }
        List<QubeInfo> qubes = Values.qubeList(listing);
        Optional<QubeInfo> dispvm = qubes.stream().filter(QubeInfo::isDispVm).findFirst();
        if (dispvm.isPresent()) {
            return byIsPreload(host, dispvm.get().name());
        }
        Optional<QubeInfo> template = qubes.stream().filter(q -> isDvmTemplate(host, q)).findFirst();
        if (template.isEmpty()) {
            return new Result(QubesdMode.MANAGED, "no disposable and no DVM template to probe: assuming no native preloading");
        }
        try {
            host.call("admin.vm.CreateDisposable", "preload", template.get().name(), "");
            return new Result(QubesdMode.NATIVE, "qubesd accepted admin.vm.CreateDisposable+preload on "
                    + template.get().name() + " (R4.3 ≥ v4.3.39): qubesd preloads natively");
        } catch (QubesException e) {
            if (isProtocolRefusal(e)) {
                return new Result(QubesdMode.MANAGED, "qubesd refused admin.vm.CreateDisposable+preload on "
                        + template.get().name() + " (" + e.type() + "): no native preloading (on R4.3 v4.3.29–v4.3.38 set "
                        + "dispool.qubes.mode=native)");
            }
            return new Result(QubesdMode.NATIVE, "qubesd took admin.vm.CreateDisposable+preload on " + template.get().name()
                    + " and its refill failed (" + e.type() + ": " + e.getMessage() + "): qubesd preloads natively");
        }
    }

    /** qubesd dropped the call (an unknown argument or method, a permission veto): the call itself is not known. */
    static boolean isProtocolRefusal(QubesException e) {
        return e.is(Reply.NO_RESPONSE) || e.is(Errors.ACCESS) || e.is("PermissionDenied") || e.is("ProtocolError");
    }

    private static Result byIsPreload(QubesdHost host, String dispvm) {
        try {
            host.property(dispvm, "is_preload");
            return new Result(QubesdMode.NATIVE, dispvm + " has the property is_preload (R4.3 ≥ v4.3.29): qubesd preloads natively");
        } catch (QubesException e) {
            if (e.is(QubesException.NO_SUCH_PROPERTY)) {
                return new Result(QubesdMode.MANAGED, dispvm + " has no property is_preload: no native preloading");
            }
            throw e;
        }
    }

    private static boolean isDvmTemplate(QubesdHost host, QubeInfo q) {
        if (!"AppVM".equals(q.klass())) {
            return false;
        }
        try {
            return "True".equals(host.property(q.name(), "template_for_dispvms"));
        } catch (QubesException e) {
            return false;
        }
    }
}
