package dispool.api;

import com.fasterxml.jackson.databind.JsonNode;
import dispool.pool.DispoolEngine;
import dispool.pool.DispoolException;
import dispool.pool.HandOut;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
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
    @APIResponse(responseCode = "201", description = "the disposable, running",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = HandOut.class)))
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

    /**
     * Runs a command in a disposable dispool handed out, through qubes.VMExec (no shell): on the
     * simulator a simulated run, on a host with a guest agent a real one. Body
     * {@code {"command": ["ls", "-l"], "timeoutSeconds": 60}}; answers its exit status and output.
     */
    @POST
    @Path("/{name}/run")
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "200", description = "the command ran: exitStatus and output (124: timed out)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunResult.class)))
    @APIResponse(responseCode = "400", ref = "invalid-input")
    @APIResponse(responseCode = "401", ref = "unauthorized")
    @APIResponse(responseCode = "403", ref = "forbidden")
    @APIResponse(responseCode = "404", ref = "not-found")
    @APIResponse(responseCode = "500", ref = "internal")
    @APIResponse(responseCode = "502", ref = "host-error")
    @APIResponse(responseCode = "503", ref = "host-unavailable")
    public Uni<RunResult> run(@PathParam("name") String name, JsonNode body) {
        Json.requireObject(body, List.of("command", "timeoutSeconds"));
        JsonNode cmd = body.get("command");
        if (cmd == null || !cmd.isArray() || cmd.isEmpty() || cmd.size() > 256) {
            throw DispoolException.invalid("command", cmd == null ? null : cmd.toString(), "1 to 256 strings",
                    "\"command\" must be a list of 1 to 256 strings, the program first");
        }
        List<String> command = new ArrayList<>();
        for (JsonNode a : cmd) {
            if (!a.isTextual() || (command.isEmpty() && a.textValue().isEmpty())) {
                throw DispoolException.invalid("command", cmd.toString(), "1 to 256 strings",
                        "\"command\" must hold strings only, the first not empty; got " + a);
            }
            command.add(a.textValue());
        }
        String t = Json.optional(body, "timeoutSeconds");
        if (t != null && !t.matches("[1-9][0-9]{0,3}") || t != null && Integer.parseInt(t) > 3600) {
            throw DispoolException.invalid("timeoutSeconds", t, "1 to 3600", "\"timeoutSeconds\" must be 1 to 3600");
        }
        Duration timeout = Duration.ofSeconds(t == null ? 60 : Integer.parseInt(t));
        return engine.runInDisposable(name, VmExec.service(command), timeout)
                .map(r -> new RunResult(r.exitStatus(), r.stderr()));
    }

    /** What a command run in a disposable ended with. */
    public record RunResult(int exitStatus, String output) {
    }
}
