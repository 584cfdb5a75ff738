package dispool.pool;

import dispool.host.QubeInfo;
import dispool.host.QubesHost;
import dispool.host.ServiceResult;
import dispool.host.ServiceTimeoutException;
import java.time.Duration;

/**
 * What a caller may do with a disposable dispool handed out: run a service in it, remove it.
 * Anything else is refused FORBIDDEN and left untouched ({@link Ownership}): a preload of a pool,
 * a disposable someone started with {@code qvm-run --dispvm}, qubesd's own preloads.
 */
final class HandedOutDisposables {

    private final QubesHost host;
    private final PreloadIndex index;
    private final PreloadLifecycle lifecycle;
    private final Ownership ownership;

    HandedOutDisposables(QubesHost host, PreloadIndex index, PreloadLifecycle lifecycle, Ownership ownership) {
        this.host = host;
        this.index = index;
        this.lifecycle = lifecycle;
        this.ownership = ownership;
    }

    /** Kills the disposable (an auto-cleanup disposable then vanishes); blocks: call on a worker. */
    void remove(String name) {
        requireHandedOut(name);
        lifecycle.killAndRemove(name);
        ownership.removed(name);
    }

    /** Runs a qrexec service; a call that outlives {@code timeout} ends with exit status 124, as timeout(1) reports it. */
    ServiceResult run(String name, String service, Duration timeout) {
        requireHandedOut(name);
        try {
            return DvmTemplates.hostCall(() -> host.runService(name, service, timeout), "name", name);
        } catch (ServiceTimeoutException e) {
            return new ServiceResult(124, e.getMessage());
        }
    }

    /** Refuses (403) a preload, a qube that is not a disposable, or a disposable without dispool's hand-out mark. */
    private void requireHandedOut(String name) {
        Preload p = index.preload(name);
        if (p != null) {
            throw DispoolException.forbidden("name", name, "a disposable dispool handed out", name
                    + " is a preload of " + p.template + ", not a handed-out disposable (left untouched); lower "
                    + "preload-dispvm-max of " + p.template + " to remove it");
        }
        if (name.equals(PreloadFeatures.DOM0)) { // refused by name: the host lists every qube when asked about dom0
            throw DispoolException.forbidden("name", name, "a disposable dispool handed out", "dom0 is the AdminVM, not a "
                    + "disposable: dispool removes only the disposables it handed out (left untouched)");
        }
        QubeInfo q = DvmTemplates.hostCall(() -> host.qube(name), "name", name);
        if (!q.isDispVm()) {
            throw DispoolException.forbidden("name", name, "a disposable dispool handed out", name + " is a "
                    + q.klass() + ", not a disposable: dispool removes only the disposables it handed out (left untouched)");
        }
        ownership.requireHandedOut(name, "a disposable");
    }
}
