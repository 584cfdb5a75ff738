package dispool.api;

import com.fasterxml.jackson.databind.JsonNode;
import dispool.app.DispoolConfig;
import dispool.pool.DispoolEngine;
import dispool.pool.GlobalSettings;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * The host-wide knobs: dom0's preload-dispvm-max (global, for the default_dispvm),
 * preload-dispvm-threshold and preload-dispvm-delay, and the global default_dispvm. A PUT changes
 * only the fields it gives; {@code "globalMax": null} removes dom0's max. Moving default_dispvm
 * changes every qube's Open-in-DisposableVM target, so it is refused unless configured on.
 */
@Path("/api/v1/settings")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", ref = "unauthorized")
@APIResponse(responseCode = "403", ref = "forbidden")
@APIResponse(responseCode = "500", ref = "internal")
@APIResponse(responseCode = "502", ref = "host-error")
@APIResponse(responseCode = "503", ref = "host-unavailable")
public class SettingsResource {

    private static final List<String> FIELDS = List.of("globalMax", "threshold", "delay", "defaultDispvm");

    @Inject
    DispoolEngine engine;

    @Inject
    DispoolConfig config;

    @Inject
    AuditNotes audit;

    @GET
    @APIResponse(responseCode = "200", description = "the global knobs and where available memory is read",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = GlobalSettings.class)))
    public GlobalSettings get() {
        return engine.globalSettings();
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "400", ref = "invalid-input")
    @APIResponse(responseCode = "404", ref = "not-found")
    @APIResponse(responseCode = "409", ref = "conflict")
    @APIResponse(responseCode = "413", ref = "invalid-input")
    @APIResponse(responseCode = "415", ref = "invalid-input")
    @APIResponse(responseCode = "200", description = "the global knobs after the change",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = GlobalSettings.class)))
    public GlobalSettings put(@RequestBody(required = true, content = @Content(schema = @Schema(implementation = Bodies.Settings.class)))
            JsonNode body) {
        Json.requireObject(body, FIELDS);
        audit.change(StreamSupport.stream(((Iterable<String>) body::fieldNames).spliterator(), false)
                .map(f -> f + "=" + body.get(f)).collect(Collectors.joining(" ")));
        if (body.has("defaultDispvm") && !config.api().allowDefaultDispvmChange()) {
            throw new ApiException(ErrorCode.FORBIDDEN, "changing the global default_dispvm (every qube's "
                    + "Open-in-DisposableVM target) through dispool is off: set dispool.api.allow-default-dispvm-change=true "
                    + "to allow it, or use qubes-prefs default_dispvm in dom0", "defaultDispvm",
                    body.get("defaultDispvm").asText(), "dispool.api.allow-default-dispvm-change=true");
        }
        boolean unsetMax = body.has("globalMax") && body.get("globalMax").isNull();
        engine.updateGlobalSettings(Json.optional(body, "globalMax"), unsetMax, Json.optional(body, "threshold"),
                Json.optional(body, "delay"), Json.optional(body, "defaultDispvm"));
        return engine.globalSettings();
    }
}
