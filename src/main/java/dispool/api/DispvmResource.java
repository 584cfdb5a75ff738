package dispool.api;

import dispool.pool.DispoolEngine;
import dispool.pool.HandOut;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.ResponseStatus;

/** Disposables: take one of the default disposable template, or remove one that was handed out. */
@Path("/api/v1/dispvms")
@Produces(MediaType.APPLICATION_JSON)
public class DispvmResource {

    @Inject
    DispoolEngine engine;

    /** Hands out a disposable of the global default_dispvm. */
    @POST
    @ResponseStatus(201)
    public Uni<HandOut> handOut() {
        return engine.handOutDefault();
    }

    /** Kills and removes a handed-out disposable. */
    @DELETE
    @Path("/{name}")
    @ResponseStatus(204)
    public Uni<Void> remove(@PathParam("name") String name) {
        return engine.removeDisposable(name);
    }
}
