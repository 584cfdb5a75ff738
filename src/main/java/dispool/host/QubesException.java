package dispool.host;

/**
 * An error reported by the host, keeping Qubes' exception type name ({@code QubesVMNotFoundError},
 * {@code QubesMemoryError}, {@code QubesValueError}…) and its message, so that logs and API
 * errors read like qubesd's own.
 */
public class QubesException extends RuntimeException {

    public static final String VM_NOT_FOUND = "QubesVMNotFoundError";
    public static final String VALUE_ERROR = "QubesValueError";
    public static final String MEMORY_ERROR = "QubesMemoryError";
    public static final String VM_ERROR = "QubesVMError";
    public static final String NOT_RUNNING = "QubesVMNotRunningError";
    public static final String NOT_PAUSED = "QubesVMNotPausedError";
    public static final String NOT_STARTED = "QubesVMNotStartedError";
    public static final String NOT_HALTED = "QubesVMNotHaltedError";
    public static final String NO_SUCH_PROPERTY = "QubesNoSuchPropertyError";
    public static final String GENERIC = "QubesException";
    /** qubesadmin's name for "could not reach qubesd" (the transports raise it). */
    public static final String DAEMON_ACCESS_ERROR = "QubesDaemonAccessError";

    private final String type;

    public QubesException(String type, String message) {
        super(message);
        this.type = type;
    }

    public QubesException(String type, String message, Throwable cause) {
        super(message, cause);
        this.type = type;
    }

    /** Qubes' name for this error, for example {@code QubesVMNotFoundError}. */
    public String type() {
        return type;
    }

    public boolean is(String qubesType) {
        return type.equals(qubesType);
    }

    @Override
    public String toString() {
        return type + ": " + getMessage();
    }
}
