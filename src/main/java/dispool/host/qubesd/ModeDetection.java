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
 *     property {@code is_preload} (v4.3.29 on); {@code QubesNoSuchPropertyError} means it has none: managed;</li>
 * <li>else {@code admin.vm.CreateDisposable+preload} on a DVM template, which v4.3.39 on accepts and
 *     answers by running its own refill (with the template's own max, which it would do anyway);</li>
 * <li>when qubesd refused that argument, {@code admin.vm.CreateDisposable+preload-autostart}, the
 *     name v4.3.29–v4.3.38 gave it (qubes/api/admin.py {@code create_disposable} at those tags:
 *     {@code enforce(arg in [None, "", "preload-autostart"])}). It first removes the template's
 *     preloads, and there are none, since no disposable exists, then refills as the boot service does.</li>
 * </ol>
 * What each probe's answer means:
 * <ul>
 * <li>a value, or a Qubes exception (say {@code QubesValueError} "Qube does not support the RPC …",
 *     raised by the refill itself): qubesd knows the argument: native;</li>
 * <li>a dropped call ({@code QubesDaemonNoResponseError}: an empty reply, on the socket and through
 *     qrexec alike, where a socket service exits 0): qubesd's {@code enforce()} refused the
 *     argument; both refused: older than v4.3.29: managed;</li>
 * <li>exit 126 through qrexec: dom0's policy denied the call before qubesd saw it, which says
 *     nothing about qubesd. When no probe reached qubesd, or only the second one did and qubesd
 *     refused it (v4.3.39 on refuses {@code preload-autostart} too), detection throws, naming the
 *     policy line to add and {@code dispool.qubes.mode} to set instead of guessing: a wrong
 *     guess either preloads twice or not at all.</li>
 * </ul>
 * In managed mode the engine still leaves alone a template whose own {@code preload-dispvm} list
 * is not empty (qubesd preloads it), so a wrong guess never preloads one template twice.
 */
public final class ModeDetection {

    /** The argument v4.3.39 on knows. */
    static final String PRELOAD = "preload";
    /** The argument v4.3.29–v4.3.38 knew instead. */
    static final String PRELOAD_AUTOSTART = "preload-autostart";

    /** The outcome and why, for the start-up log line. */
    public record Result(QubesdMode mode, String reason) {
    }

    /** How qubesd (or qrexec before it) answered one probe. */
    private enum Answer { KNOWN, REFUSED_BY_QUBESD, DENIED_BY_POLICY }

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
        return byProbes(host, template.get().name());
    }

    private static Result byProbes(QubesdHost host, String template) {
        Answer preload = probe(host, template, PRELOAD);
        if (preload == Answer.KNOWN) {
            return new Result(QubesdMode.NATIVE, "qubesd knows admin.vm.CreateDisposable+preload on " + template
                    + " (R4.3 ≥ v4.3.39): qubesd preloads natively");
        }
        Answer autostart = probe(host, template, PRELOAD_AUTOSTART);
        if (autostart == Answer.KNOWN) {
            return new Result(QubesdMode.NATIVE, "qubesd knows admin.vm.CreateDisposable+preload-autostart on " + template
                    + " (R4.3 v4.3.29–v4.3.38): qubesd preloads natively");
        }
        if (preload == Answer.REFUSED_BY_QUBESD && autostart == Answer.REFUSED_BY_QUBESD) {
            return new Result(QubesdMode.MANAGED, "qubesd refused admin.vm.CreateDisposable+preload and +preload-autostart on "
                    + template + " (older than R4.3 v4.3.29): no native preloading");
        }
        throw new QubesException(Errors.ACCESS, "cannot tell whether qubesd preloads natively: dom0's qrexec policy denied "
                + (preload == Answer.DENIED_BY_POLICY ? "admin.vm.CreateDisposable+preload" : "")
                + (preload == Answer.DENIED_BY_POLICY && autostart == Answer.DENIED_BY_POLICY ? " and " : "")
                + (autostart == Answer.DENIED_BY_POLICY ? "admin.vm.CreateDisposable+preload-autostart" : "") + " on " + template
                + ", and no disposable exists to read is_preload from; allow both for this qube in dom0 (deploy/qubes-policy/"
                + "50-dispool-admin.policy has the lines), or set dispool.qubes.mode=native on R4.3 ≥ v4.3.29, managed before");
    }

    /** One probe; transport failures other than a policy denial are not answers and propagate. */
    private static Answer probe(QubesdHost host, String template, String arg) {
        try {
            host.call("admin.vm.CreateDisposable", arg, template, "");
            return Answer.KNOWN;
        } catch (QrexecTransport.QrexecExit e) {
            if (e.deniedByPolicy()) {
                return Answer.DENIED_BY_POLICY;
            }
            throw e;
        } catch (QubesException e) {
            if (isProtocolRefusal(e)) {
                return Answer.REFUSED_BY_QUBESD;
            }
            if (e.is(Errors.ACCESS)) {
                throw e; // qubesd could not be reached at all
            }
            return Answer.KNOWN; // the refill itself failed: qubesd knows the argument
        }
    }

    /** qubesd dropped the call (an unknown argument or method, a permission veto): the call itself is not known. */
    static boolean isProtocolRefusal(QubesException e) {
        return e.is(Reply.NO_RESPONSE) || e.is("PermissionDenied") || e.is("ProtocolError");
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
