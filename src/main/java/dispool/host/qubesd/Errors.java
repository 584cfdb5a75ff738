package dispool.host.qubesd;

/** Qubes' type names for the errors the client side raises itself (as {@code qubesadmin.exc}). */
final class Errors {

    /** The transport could not reach qubesd, or qrexec refused the call. */
    static final String ACCESS = "QubesDaemonAccessError";
    /** A feature that is not set (qubesd's type name). */
    static final String FEATURE_NOT_FOUND = "QubesFeatureNotFoundError";

    private Errors() {
    }
}
