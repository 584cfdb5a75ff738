package dispool.api;

import com.fasterxml.jackson.databind.JsonNode;
import dispool.pool.DispoolEngine;
import dispool.pool.HandOut;
import dispool.pool.PoolView;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.jboss.resteasy.reactive.ResponseStatus;

/** Pools per DVM template: look at them, size them, take a disposable from one. */
@Path("/api/v1/pools")
@Produces(MediaType.APPLICATION_JSON)
public class PoolResource {

    @Inject
    DispoolEngine engine;

    @GET
    public List<PoolView> list() {
        return engine.pools();
    }

    @GET
    @Path("/{template}")
    public PoolView get(@PathParam("template") String template) {
        return engine.pool(template);
    }

    /** Sets preload-dispvm-max of the template, as {@code qvm-features T preload-dispvm-max N}. */
    @PUT
    @Path("/{template}")
    @Consumes(MediaType.APPLICATION_JSON)
    public PoolView setMax(@PathParam("template") String template, JsonNode body) {
        engine.setMax(template, Json.field(body, "max", List.of("max")));
        return engine.pool(template);
    }

    /** Unsets preload-dispvm-max of the template: its pool empties (unless dom0's max governs it). */
    @DELETE
    @Path("/{template}")
    public PoolView unsetMax(@PathParam("template") String template) {
        engine.unsetMax(template);
        return engine.pool(template);
    }

    /** Hands out a disposable of the template: preloaded when one is ready, cold otherwise. */
    @POST
    @Path("/{template}/dispvms")
    @ResponseStatus(201)
    public Uni<HandOut> handOut(@PathParam("template") String template) {
        return engine.handOut(template);
    }
}
