package dispool.emulator;

/**
 * qubesd's {@code ProtocolError} and {@code PermissionDenied}: on R4.2 and R4.3 the connection is
 * dropped without a reply, which the client sees as an empty response. The reason is only logged,
 * as qubesd logs it to its journal.
 */
final class Refused extends RuntimeException {

    Refused(String reason) {
        super(reason, null, false, false);
    }
}
