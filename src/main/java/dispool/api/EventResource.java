package dispool.api;

import dispool.pool.DispoolEngine;
import dispool.pool.PoolEvent;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** Lifecycle events of every pool, live, as server-sent events (one JSON object each). */
@Path("/api/v1/events")
public class EventResource {

    @Inject
    DispoolEngine engine;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<PoolEvent> events() {
        return engine.events().stream();
    }
}
