package dispool.host;

import java.time.Duration;

/** A qrexec service did not exit within its timeout (the qube's {@code qrexec_timeout}). */
public class ServiceTimeoutException extends QubesException {

    public ServiceTimeoutException(String qube, String service, Duration timeout) {
        super(VM_ERROR, "Timed out call to '" + service + "' in " + qube + " after " + timeout.toSeconds()
                + " s; to debug, run in dom0: qvm-run -p --service " + qube + " " + service
                + " and read /var/log/xen/console/guest-" + qube + ".log");
    }
}
