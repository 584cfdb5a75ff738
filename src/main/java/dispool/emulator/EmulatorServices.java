package dispool.host.qubesd;

import dispool.host.QubesException;
import dispool.host.ServiceResult;
import dispool.host.ServiceTimeoutException;
import dispool.host.qubesd.wire.AdminCall;
import dispool.host.qubesd.wire.Reply;
import java.time.Duration;

/**
 * Service calls when the qubesd on the other end is dispool's emulator ({@code dispool sim-qubesd}):
 * its simulated qubes have no qrexec, so the emulator runs their services through a method of its
 * own ({@code dispool.emulator.RunService}). The emulator announces itself with the dom0 feature
 * {@link #MARK}; a real qubesd never has it, so this runner is never chosen on Qubes OS.
 */
public final class EmulatorServices implements ServiceRunner {

    /** dom0 feature the emulator sets on itself (in the {@code x-} namespace Qubes leaves to users). */
    public static final String MARK = "x-dispool-emulator";
    public static final String METHOD = "dispool.emulator.RunService";
    public static final String TIMEOUT_TYPE = "DispoolServiceTimeoutError";

    private final Transport transport;

    public EmulatorServices(Transport transport) {
        this.transport = transport;
    }

    /** True when the qubesd behind {@code transport} is dispool's emulator (dom0 has {@link #MARK}). */
    public static boolean isEmulator(Transport transport) {
        AdminCall c = AdminCall.of("admin.vm.feature.Get", MARK, "dom0", "");
        try {
            return !Reply.decode(transport.call(c), c).isEmpty();
        } catch (QubesException e) {
            if (e.is(Errors.FEATURE_NOT_FOUND)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public ServiceResult run(String qube, String service, Duration timeout) {
        AdminCall c = AdminCall.of(METHOD, service, qube, Long.toString(Math.max(1, timeout.toSeconds())));
        String reply;
        try {
            reply = Reply.decode(transport.call(c), c);
        } catch (QubesException e) {
            if (e.is(TIMEOUT_TYPE)) {
                throw new ServiceTimeoutException(qube, service, timeout);
            }
            throw e;
        }
        int nl = reply.indexOf('\n');
        try {
            return new ServiceResult(Integer.parseInt(reply.substring(0, nl)), reply.substring(nl + 1));
        } catch (RuntimeException e) {
            throw new QubesException(QubesException.GENERIC, c.describe() + ": reply '" + reply
                    + "' is not 'exit status, newline, stderr'");
        }
    }
}
