package dispool.api;

import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

/** What a call acted on, for its audit line: the qube handed out, the knob values written. */
@RequestScoped
public class AuditNotes {

    @Inject
    CurrentVertxRequest request;

    /** The routing context of this request, to note on after the call went asynchronous. */
    RoutingContext context() {
        return request.getCurrent();
    }

    static void qube(RoutingContext ctx, String name) {
        if (ctx != null) {
            ctx.put(AuditLog.QUBE, name);
        }
    }

    void change(String change) {
        RoutingContext ctx = request.getCurrent();
        if (ctx != null) {
            ctx.put(AuditLog.CHANGE, change);
        }
    }
}
