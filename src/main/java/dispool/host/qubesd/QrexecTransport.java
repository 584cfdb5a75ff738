package dispool.host.qubesd;

import dispool.host.QubesException;
import dispool.host.qubesd.wire.AdminCall;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;

/**
 * Admin API calls from a management qube: {@code qrexec-client-vm <dest> <method>[+<arg>]},
 * payload on stdin, qubesd's raw reply on stdout. qrexec writes the call header itself, with this
 * qube as the source, and dom0's policy decides (every allow needs {@code target=dom0}; see
 * {@code deploy/qubes-policy/50-dispool-admin.policy}).
 *
 * <p>Exit status: 0 = the reply is on stdout; 126 = denied by policy; 125 = a qrexec problem;
 * 127 = no such service; 128+N = killed by signal N.
 */
public final class QrexecTransport implements Transport {

    private final String clientVm;
    private final Duration callTimeout;

    /** {@code clientVm}: the program, normally {@code qrexec-client-vm} (found on PATH). */
    public QrexecTransport(String clientVm, Duration callTimeout) {
        this.clientVm = clientVm;
        this.callTimeout = callTimeout;
    }

    /** The argument list for a call, as the Python client builds it: no {@code +} without an argument. */
    List<String> argv(AdminCall call) {
        return List.of(clientVm, call.dest(), call.arg().isEmpty() ? call.method() : call.service());
    }

    @Override
    public byte[] call(AdminCall call) {
        Processes.Outcome o;
        try {
            o = Processes.run(argv(call), call.payload(), callTimeout);
        } catch (IOException e) {
            throw new QubesException(Errors.ACCESS, "cannot run " + clientVm + " for " + call.describe() + ": " + e.getMessage()
                    + "; dispool must run in a management qube with qrexec-client-vm installed", e);
        }
        if (o.timedOut()) {
            throw new QubesException(QubesException.GENERIC, "no reply to " + call.describe() + " through " + clientVm
                    + " within " + callTimeout.toSeconds() + " s (dispool.qubes.call-timeout)");
        }
        if (o.exitStatus() != 0) {
            throw exitError(call.method(), call.dest(), o.exitStatus(), o.stderr());
        }
        return o.stdout();
    }

    /** What a non-zero exit of qrexec-client-vm means, and what to do about it. */
    static QrexecExit exitError(String service, String dest, int status, String stderr) {
        String why = switch (status) {
            case 126 -> "denied by qrexec policy: dom0 needs a line like '" + service + " * <this-qube> "
                    + (dest.equals("dom0") ? "@adminvm" : dest) + " allow target=dom0' in /etc/qubes/policy.d/50-dispool-admin.policy"
                    + " (see deploy/qubes-policy/)";
            case 125 -> "qrexec could not make the call (is the target running and qrexec-agent up?)";
            case 127 -> "no such service on the target";
            default -> status > 128 ? "qrexec-client-vm was killed by signal " + (status - 128) : "exit status " + status;
        };
        return new QrexecExit(status, "Service call error: " + service + " to " + dest + ": " + why
                + (stderr.isEmpty() ? "" : "; stderr: " + stderr));
    }

    /**
     * qrexec-client-vm ended non-zero: the Python client's {@code QubesDaemonAccessError}, with the
     * exit status kept, since 126 (dom0's policy said no) says nothing about qubesd itself.
     */
    static final class QrexecExit extends QubesException {

        static final int POLICY_DENIED = 126;

        private final int status;

        QrexecExit(int status, String message) {
            super(Errors.ACCESS, message);
            this.status = status;
        }

        boolean deniedByPolicy() {
            return status == POLICY_DENIED;
        }
    }

    @Override
    public InputStream openStream(AdminCall call) {
        try {
            Process p = new ProcessBuilder(argv(call)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            return new ProcessStream(p);
        } catch (IOException e) {
            throw new QubesException(Errors.ACCESS, "cannot run " + clientVm + " for " + call.describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return clientVm;
    }

    /** A child's stdout; closing it ends the child (how a client unsubscribes from events). */
    private static final class ProcessStream extends FilterInputStream {
        private final Process process;

        ProcessStream(Process process) {
            super(process.getInputStream());
            this.process = process;
        }

        @Override
        public void close() throws IOException {
            process.destroy();
            super.close();
        }
    }
}
