package dispool.host.qubesd;

import dispool.host.ServiceResult;
import java.time.Duration;

/**
 * Runs a qrexec service ({@code qubes.WaitForRunningSystem}…) in a running, unpaused qube and
 * waits at most {@code timeout} for it; throws {@link dispool.host.ServiceTimeoutException} when it
 * does not exit in time. The qubesd host checks the qube's state first.
 */
public interface ServiceRunner {

    ServiceResult run(String qube, String service, Duration timeout);
}
