package dispool.api;

import dispool.pool.DispoolEngine;
import dispool.pool.HandOut;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;

/** Disposables: take one of the default disposable template, or remove one that was handed out. */
@Path("/api/v1/dispvms")
@Produces(MediaType.APPLICATION_JSON)
public class DispvmResource {

    @Inject
    DispoolEngine engine;

    @Inject
    AuditNotes audit;

    /** Hands out a disposable of the global default_dispvm. */
    @POST
    @ResponseStatus(201)
    @APIResponse(responseCode = "401", ref = "unauthorized")
    @APIResponse(responseCode = "403", ref = "forbidden")
    @APIResponse(responseCode = "409", ref = "conflict")
    @APIResponse(responseCode = "429", ref = "busy")
    @APIResponse(responseCode = "500", ref = "internal")
    @APIResponse(responseCode = "502", ref = "host-error")
    @APIResponse(responseCode = "503", ref = "host-unavailable")
    @APIResponse(responseCode = "507", ref = "insufficient-memory")
    public Uni<HandOut> handOut() {
        RoutingContext ctx = audit.context();
        return engine.handOutDefault().invoke(h -> AuditNotes.qube(ctx, h.name()));
    }

    /** Kills and removes a disposable dispool handed out. */
    @DELETE
    @Path("/{name}")
    @ResponseStatus(204)
    @APIResponse(responseCode = "204", description = "killed and removed")
    @APIResponse(responseCode = "400", ref = "invalid-input")
    @APIResponse(responseCode = "401", ref = "unauthorized")
    @APIResponse(responseCode = "403", ref = "forbidden")
    @APIResponse(responseCode = "404", ref = "not-found")
    @APIResponse(responseCode = "409", ref = "conflict")
    @APIResponse(responseCode = "500", ref = "internal")
    @APIResponse(responseCode = "502", ref = "host-error")
    @APIResponse(responseCode = "503", ref = "host-unavailable")
    public Uni<Void> remove(@PathParam("name") String name) {
        return engine.removeDisposable(name);
    }
}
