package dispool.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * The audit log: one JSON line per call that changes something (hand-out, removal, knob change,
 * suspend, resume) and per refused call, whatever its method: when, who (the socket peer's uid,
 * or "token"/"anonymous" on TCP), what (method, path, template or qube) and the result (status,
 * error code). Never a credential: the Authorization header is not read here.
 *
 * <p>The lines go to the log category {@value #CATEGORY}, which the built-in
 * application.properties sends only to a size-rotating file handler ({@code dispool.audit.*}).
 */
@ApplicationScoped
public class AuditLog {

    public static final String CATEGORY = "dispool.audit";
    /** Routing-context keys the REST layer fills in: the error code answered, the qube a call acted on. */
    public static final String ERROR_CODE = "dispool.audit.error";
    public static final String QUBE = "dispool.audit.qube";
    public static final String CHANGE = "dispool.audit.change";

    private static final Logger AUDIT = Logger.getLogger(CATEGORY);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Records the finished call of {@code ctx} made by {@code who}. */
    void record(RoutingContext ctx, Caller caller, String who) {
        ObjectNode line = JSON.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("who", who);
        line.put("via", caller.socket() ? "socket" : "tcp");
        if (caller.pid() != null) {
            line.put("pid", caller.pid());
        }
        if (!caller.socket()) {
            line.put("from", caller.address());
        }
        line.put("method", ctx.request().method().name());
        line.put("path", ctx.request().path());
        putIfSet(line, "template", templateOf(ctx.request().path()));
        Object qube = ctx.get(QUBE);
        putIfSet(line, "qube", qube != null ? qube : qubeOf(ctx.request().path()));
        putIfSet(line, "change", ctx.get(CHANGE));
        line.put("status", ctx.response().getStatusCode());
        putIfSet(line, "error", ctx.get(ERROR_CODE));
        AUDIT.info(line.toString());
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

    private static void putIfSet(ObjectNode line, String key, Object value) {
        if (value != null) {
            line.put(key, value.toString());
        }
    }
}
