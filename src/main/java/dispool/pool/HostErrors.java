package dispool.pool;

import dispool.host.QubesException;
import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/**
 * The host's refusals become the engine's own at its boundary: every public call of
 * {@link DispoolEngine} answers a {@link DispoolException}, never a {@link QubesException}, so its
 * callers (the REST API, the CLI, the chaos run) see one kind of error. The kind follows Qubes'
 * exception type; the message keeps Qubes' words and {@link DispoolException#hostType} names it.
 */
public final class HostErrors {

    private static final System.Logger LOG = System.getLogger(HostErrors.class.getName());

    private HostErrors() {
    }

    /** Runs an engine call; a host refusal leaves it as a {@link DispoolException}. */
    static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw atBoundary(e);
        }
    }

    static void run(Runnable call) {
        call(() -> {
            call.run();
            return null;
        });
    }

    /** The same for an engine call that answers later. */
    static <T> Uni<T> uni(Uni<T> call) {
        return call.onFailure().transform(e -> e instanceof RuntimeException r ? atBoundary(r) : e);
    }

    /**
     * What a caller of the engine gets for {@code e}: a lack of memory anywhere in its causes is
     * {@code INSUFFICIENT_MEMORY} (the one refusal the caller can act on); any other host refusal
     * is mapped by its Qubes type; the engine's own exceptions pass unchanged, as does its own
     * {@code INSUFFICIENT_MEMORY}, which already names the template and the figures.
     */
    public static RuntimeException atBoundary(RuntimeException e) {
        if (e instanceof DispoolException d && d.kind() == DispoolException.Kind.INSUFFICIENT_MEMORY) {
            return d;
        }
        QubesException memory = e instanceof DispoolException || e instanceof QubesException ? memoryCause(e) : null;
        if (memory != null) {
            return DispoolException.hostRefused(DispoolException.Kind.INSUFFICIENT_MEMORY, "not enough memory on the host: "
                    + memory.getMessage() + "; shut down a qube or lower preload-dispvm-max, then try again", memory);
        }
        return e instanceof QubesException q ? refused(q) : e;
    }

    private static DispoolException refused(QubesException e) {
        DispoolException.Kind kind = e.is(QubesException.VM_NOT_FOUND) ? DispoolException.Kind.NOT_FOUND
                : e.is(QubesException.VALUE_ERROR) ? DispoolException.Kind.INVALID
                : e.is(QubesException.DAEMON_ACCESS_ERROR) ? DispoolException.Kind.UNAVAILABLE
                : DispoolException.Kind.HOST_ERROR;
        if (kind == DispoolException.Kind.HOST_ERROR || kind == DispoolException.Kind.UNAVAILABLE) {
            LOG.log(System.Logger.Level.WARNING, "the host refused a request: " + e, e);
        }
        return DispoolException.hostRefused(kind, "the host refused: " + e.type() + ": " + e.getMessage(), e);
    }

    static QubesException memoryCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof QubesException q && q.is(QubesException.MEMORY_ERROR)) {
                return q;
            }
        }
        return null;
    }
}
