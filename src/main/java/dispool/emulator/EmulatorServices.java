package dispool.emulator;

import dispool.host.QubesException;
import dispool.host.ServiceResult;
import dispool.host.ServiceTimeoutException;
import dispool.host.qubesd.ServiceRunner;
import dispool.host.qubesd.Transport;
import dispool.host.qubesd.wire.AdminCall;
import dispool.host.qubesd.wire.Reply;
import java.time.Duration;

/**
 * Service calls when the qubesd on the other end is dispool's emulator ({@code dispool sim-qubesd}):
 * its simulated qubes have no qrexec, so the emulator runs their services through a method of its
 * own ({@link #METHOD}). Chosen by configuration ({@code dispool.qubes.services=emulator}), never
 * by asking the host: anything a qube can write (a feature, say) must not decide how dom0 runs
 * readiness checks.
 */
public final class EmulatorServices implements ServiceRunner {

    public static final String METHOD = "dispool.emulator.RunService";
    public static final String TIMEOUT_TYPE = "DispoolServiceTimeoutError";

    private final Transport transport;

    public EmulatorServices(Transport transport) {
        this.transport = transport;
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
