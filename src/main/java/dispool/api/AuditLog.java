package dispool.api;

import dispool.app.DispoolConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit log: one JSON line per call that changes something (hand-out, removal, knob change,
 * suspend, resume) and per refused call, whatever its method: when, who (the socket peer's uid,
 * or "token"/"anonymous" on TCP), what (method, path, template or qube) and the result (status,
 * error code). Never a credential: the Authorization header is not read here.
 *
 * <p>Two files, each rotated by size and the owner's only (0600): {@code dispool.audit.file}
 * holds every call that passed the door (an authorised caller's, whatever the engine answered);
 * {@code dispool.audit.refused-file} holds the calls refused at the door (no or a wrong token, a
 * foreign Host or Origin, a malformed or oversized request), at most
 * {@code dispool.audit.refusals-per-minute} lines per peer and minute plus a count of the rest
 * ({@link RefusalLimiter}). So anonymous traffic, however much, never rotates an authorised action
 * out of the trail ({@code AuditRetentionTest}).
 */
@ApplicationScoped
public class AuditLog {

    /** Routing-context keys the REST layer fills in: the error code answered, the qube a call acted on. */
    public static final String ERROR_CODE = "dispool.audit.error";
    public static final String QUBE = "dispool.audit.qube";
    public static final String CHANGE = "dispool.audit.change";
    /** Set on a call refused before any route ran: it goes to the refusals' file. */
    static final String REFUSED_AT_DOOR = "dispool.audit.door";

    @Inject
    DispoolConfig config;

    @Inject
    Vertx vertx;

    private AuditFile actions;
    private AuditFile refusals;
    private RefusalLimiter limiter;

    void onStart(@Observes StartupEvent event) {
        long maxBytes = new MemorySizeConverter().convert(config.audit().maxSize()).asLongValue();
        actions = new AuditFile(Path.of(config.audit().file()), maxBytes, config.audit().keep());
        refusals = new AuditFile(Path.of(config.audit().refusedFile()), maxBytes, config.audit().keep());
        actions.narrowExisting();
        refusals.narrowExisting();
        limiter = new RefusalLimiter(config.audit().refusalsPerMinute());
        // a flood that stops still gets its count written when its minute ends
        vertx.setPeriodic(RefusalLimiter.WINDOW_MS, id -> writeSummaries(limiter.ended(System.currentTimeMillis())));
    }

    void onStop(@Observes ShutdownEvent event) {
        if (limiter != null) {
            writeSummaries(limiter.ended(Long.MAX_VALUE));
            actions.close();
            refusals.close();
        }
    }

    /** Records the finished call of {@code ctx} made by {@code who}. */
    void record(RoutingContext ctx, Caller caller, String who) {
        Object qube = ctx.get(QUBE);
        write(AuditLine.call(ctx.request().method().name(), ctx.request().path(), ctx.response().getStatusCode(), caller, who,
                qube, ctx.get(CHANGE), ctx.get(ERROR_CODE)),
                ctx.get(REFUSED_AT_DOOR) != null, caller);
    }

    /** Records a request refused before any route could run (Vert.x's codec could not parse it). */
    void recordRefused(String method, String uri, int status, String errorCode, Caller caller, String who) {
        write(AuditLine.call(method, uri, status, caller, who, null, null, errorCode), true, caller);
    }

    private void write(String line, boolean refusedAtDoor, Caller caller) {
        if (actions == null) {
            return; // before start: nothing is served yet
        }
        if (!refusedAtDoor) {
            actions.write(line);
            return;
        }
        List<RefusalLimiter.Summary> due = new ArrayList<>();
        boolean write = limiter.admit(caller.peer(), System.currentTimeMillis(), due);
        if (write) {
            refusals.write(line);
        }
        writeSummaries(due);
    }

    private void writeSummaries(List<RefusalLimiter.Summary> summaries) {
        for (RefusalLimiter.Summary s : summaries) {
            refusals.write(AuditLine.summary(s.peer(), s.sinceMs(), s.notWritten(),
                    "refusals of this peer beyond dispool.audit.refusals-per-minute, counted, not written"));
        }
    }

    /** The DVM template a pool call names ({@code /api/v1/pools/{template}...}), else null. */
    static String templateOf(String path) {
        String prefix = "/api/v1/pools/";
        if (path == null || !path.startsWith(prefix) || path.length() == prefix.length()) {
            return null;
        }
        int end = path.indexOf('/', prefix.length());
        return path.substring(prefix.length(), end < 0 ? path.length() : end);
    }

    /** The disposable a removal names ({@code /api/v1/dispvms/{name}}), else null. */
    static String qubeOf(String path) {
        String prefix = "/api/v1/dispvms/";
        return path != null && path.startsWith(prefix) && path.length() > prefix.length() ? path.substring(prefix.length()) : null;
    }
}
