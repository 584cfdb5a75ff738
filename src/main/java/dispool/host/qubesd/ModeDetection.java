package dispool.host.qubesd;

import dispool.host.QubeInfo;
import dispool.host.QubesException;
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
 *     it and runs its own refill (with the template's own max, which is what it would do anyway);
 *     an older qubesd refuses the argument with an empty reply: managed. v4.3.29–v4.3.38 without
 *     any disposable cannot be told apart this way: set {@code dispool.qubes.mode=native} there.</li>
 * </ol>
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
            return new Result(QubesdMode.MANAGED, "qubesd refused admin.vm.CreateDisposable+preload on "
                    + template.get().name() + " (" + e.type() + "): no native preloading (on R4.3 v4.3.29–v4.3.38 set "
                    + "dispool.qubes.mode=native)");
        }
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
