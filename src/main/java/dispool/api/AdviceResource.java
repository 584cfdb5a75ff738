package dispool.api;

import dispool.advice.LiveAdvice;
import dispool.app.LiveAdviceService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Live advice on a pool's preload-dispvm-max, from the service's own hand-out history. */
@Path("/api/v1/pools/{template}/advice")
@Produces(MediaType.APPLICATION_JSON)
public class AdviceResource {

    @Inject
    LiveAdviceService advice;

    /**
     * Demand, bursts, how requests were served, memory held, and the max to set with the reasons.
     *
     * @param missTarget highest share of requests that may find no ready preload (default
     *                   {@code dispool.history.miss-target})
     */
    @GET
    public LiveAdvice.Report get(@PathParam("template") String template, @QueryParam("miss-target") String missTarget) {
        return advice.advice(template, missTarget);
    }
}
