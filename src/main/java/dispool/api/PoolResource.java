package dispool.api;

import com.fasterxml.jackson.databind.JsonNode;
import dispool.pool.DispoolEngine;
import dispool.pool.DispoolException;
import dispool.pool.HandOut;
import dispool.pool.PoolView;
import dispool.pool.RefillPolicies;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;

/** Pools per DVM template: look at them, size them, take a disposable from one. */
@Path("/api/v1/pools")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", ref = "unauthorized")
@APIResponse(responseCode = "403", ref = "forbidden")
@APIResponse(responseCode = "500", ref = "internal")
public class PoolResource {

    private static final List<String> FIELDS = List.of("max", "policy");

    @Inject
    DispoolEngine engine;

    @Inject
    AuditNotes audit;

    @GET
    @APIResponse(responseCode = "200", description = "every DVM template's pool",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = PoolView.class)))
    public List<PoolView> list() {
        return engine.pools();
    }

    @GET
    @Path("/{template}")
    @APIResponse(responseCode = "400", ref = "invalid-input")
    @APIResponse(responseCode = "404", ref = "not-found")
    @APIResponse(responseCode = "409", ref = "conflict")
    @APIResponse(responseCode = "502", ref = "host-error")
    @APIResponse(responseCode = "503", ref = "host-unavailable")
    @APIResponse(responseCode = "200", description = "the pool",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = PoolView.class)))
    public PoolView get(@PathParam("template") String template) {
        return engine.pool(template);
    }

    /**
     * Sets preload-dispvm-max of the template, as {@code qvm-features T preload-dispvm-max N}, and/or
     * its refill policy, as {@code qvm-features T preload-dispvm-x-dispool-policy P} ({@code "policy": null} removes
     * it: the service's default applies). The policy is checked before anything is written.
     */
    @PUT
    @Path("/{template}")
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "400", ref = "invalid-input")
    @APIResponse(responseCode = "404", ref = "not-found")
    @APIResponse(responseCode = "409", ref = "conflict")
    @APIResponse(responseCode = "413", ref = "invalid-input")
    @APIResponse(responseCode = "415", ref = "invalid-input")
    @APIResponse(responseCode = "502", ref = "host-error")
    @APIResponse(responseCode = "503", ref = "host-unavailable")
    @APIResponse(responseCode = "200", description = "the pool with its new max or policy",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = PoolView.class)))
    public PoolView setMax(@PathParam("template") String template,
            @RequestBody(required = true, content = @Content(schema = @Schema(implementation = Bodies.PoolMax.class)))
            JsonNode body) {
        Json.requireObject(body, FIELDS);
        if (!body.has("max") && !body.has("policy")) {
            throw DispoolException.invalid("max", null, "required", "the body must give \"max\" or \"policy\"");
        }
        String policy = Json.optional(body, "policy");
        if (policy != null) {
            RefillPolicies.validate("policy", policy);
        }
        if (body.has("max")) {
            String max = Json.field(body, "max", FIELDS);
            audit.change("preload-dispvm-max=" + max);
            engine.setMax(template, max);
        }
        if (body.has("policy")) {
            audit.change(RefillPolicies.FEATURE + "=" + policy);
            if (policy == null) {
                engine.unsetPolicy(template);
            } else {
                engine.setPolicy(template, policy);
            }
        }
        return engine.pool(template);
    }

    /** Unsets preload-dispvm-max of the template: its pool empties (unless dom0's max governs it). */
    @DELETE
    @Path("/{template}")
    @APIResponse(responseCode = "400", ref = "invalid-input")
    @APIResponse(responseCode = "404", ref = "not-found")
    @APIResponse(responseCode = "409", ref = "conflict")
    @APIResponse(responseCode = "502", ref = "host-error")
    @APIResponse(responseCode = "503", ref = "host-unavailable")
    @APIResponse(responseCode = "200", description = "the pool, its max unset",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = PoolView.class)))
    public PoolView unsetMax(@PathParam("template") String template) {
        audit.change("preload-dispvm-max unset");
        engine.unsetMax(template);
        return engine.pool(template);
    }

    /** Hands out a disposable of the template: preloaded when one is ready, cold otherwise. */
    @POST
    @Path("/{template}/dispvms")
    @ResponseStatus(201)
    @APIResponse(responseCode = "400", ref = "invalid-input")
    @APIResponse(responseCode = "404", ref = "not-found")
    @APIResponse(responseCode = "409", ref = "conflict")
    @APIResponse(responseCode = "429", ref = "busy")
    @APIResponse(responseCode = "502", ref = "host-error")
    @APIResponse(responseCode = "503", ref = "host-unavailable")
    @APIResponse(responseCode = "507", ref = "insufficient-memory")
    @APIResponse(responseCode = "201", description = "the disposable, running",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = HandOut.class)))
    public Uni<HandOut> handOut(@PathParam("template") String template) {
        RoutingContext ctx = audit.context();
        HandOutStages stages = HandOutStages.of(ctx);
        if (stages == null) {
            return engine.handOut(template).invoke(h -> AuditNotes.qube(ctx, h.name()));
        }
        stages.routed();
        return engine.handOut(template).invoke(h -> {
            stages.engineDone(h);
            AuditNotes.qube(ctx, h.name());
        });
    }
}
