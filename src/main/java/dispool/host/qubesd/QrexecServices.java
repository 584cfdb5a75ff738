package dispool.host.qubesd;

import dispool.host.QubesException;
import dispool.host.ServiceResult;
import dispool.host.ServiceTimeoutException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Readiness services through qrexec, the way Qubes' own tools call them:
 * <ul>
 * <li>from dom0: {@code qrexec-client -d <vm> -w <timeout> -T "DEFAULT:QUBESRPC <service>+ dom0"}
 *     ({@code qubesadmin}'s {@code QubesLocal.run_service}; {@code -w} raises the 5 s vchan
 *     connection limit to the qube's {@code qrexec_timeout}, {@code -T} filters escape sequences);</li>
 * <li>from a management qube: {@code qrexec-client-vm <vm> <service>}, allowed by a VM-to-VM
 *     policy line for the service.</li>
 * </ul>
 * Either way the program is killed when {@code timeout} passes, and the timeout error names the
 * qube, the service, the limit and how to debug it.
 */
public final class QrexecServices implements ServiceRunner {

    private final List<String> prefix;
    private final boolean fromDom0;

    private QrexecServices(List<String> prefix, boolean fromDom0) {
        this.prefix = prefix;
        this.fromDom0 = fromDom0;
    }

    /** {@code qrexecClient}: normally {@code /usr/lib/qubes/qrexec-client}. */
    public static QrexecServices fromDom0(String qrexecClient) {
        return new QrexecServices(List.of(qrexecClient), true);
    }

    /** {@code qrexecClientVm}: normally {@code qrexec-client-vm}. */
    public static QrexecServices fromManagementQube(String qrexecClientVm) {
        return new QrexecServices(List.of(qrexecClientVm), false);
    }

    List<String> argv(String qube, String service, Duration timeout) {
        List<String> argv = new ArrayList<>(prefix);
        if (fromDom0) {
            argv.addAll(List.of("-d", qube, "-w", Long.toString(Math.max(1, timeout.toSeconds())), "-T",
                    "DEFAULT:QUBESRPC " + service + "+ dom0"));
        } else {
            argv.addAll(List.of(qube, service));
        }
        return argv;
    }

    @Override
    public ServiceResult run(String qube, String service, Duration timeout) {
        Processes.Outcome o;
        try {
            o = Processes.run(argv(qube, service, timeout), new byte[0], timeout);
        } catch (IOException e) {
            throw new QubesException(Errors.ACCESS, "cannot run " + prefix.get(0) + " for " + service + " in " + qube + ": "
                    + e.getMessage(), e);
        }
        if (o.timedOut()) {
            throw new ServiceTimeoutException(qube, service, timeout);
        }
        if (!fromDom0 && o.exitStatus() == 126) {
            throw new QubesException(Errors.ACCESS, "Service call error: " + service + " to " + qube + ": denied by qrexec "
                    + "policy: dom0 needs '" + service + " * <this-qube> @tag:created-by-<this-qube> allow' "
                    + "(see deploy/qubes-policy/50-dispool-admin.policy)");
        }
        return new ServiceResult(o.exitStatus(), o.stderr());
    }
}
