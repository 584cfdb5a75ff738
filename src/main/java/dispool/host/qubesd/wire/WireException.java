package dispool.host.qubesd.wire;

import dispool.host.QubesException;

/**
 * Bytes on the qubesd wire that do not follow the Admin API framing. Its Qubes type is the
 * Python client's {@code QubesDaemonCommunicationError}, so logs read like {@code qvm-*} tools.
 */
public class WireException extends QubesException {

    public static final String TYPE = "QubesDaemonCommunicationError";

    public WireException(String message) {
        super(TYPE, message);
    }
}
