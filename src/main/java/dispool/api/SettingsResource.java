package dispool.api;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * The host-wide knobs: dom0's preload-dispvm-max (global, for the default_dispvm),
 * preload-dispvm-threshold and preload-dispvm-delay, and the global default_dispvm. A PUT changes
 * only the fields it gives; {@code "globalMax": null} removes dom0's max.
 */
@Path("/api/v1/settings")
@Produces(MediaType.APPLICATION_JSON)
public class SettingsResource {

    private static final List<String> FIELDS = List.of("globalMax", "threshold", "delay", "defaultDispvm");

    @Inject
    DispoolEngine engine;

    @GET
    public GlobalSettings get() {
        return engine.globalSettings();
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public GlobalSettings put(JsonNode body) {
        Json.requireObject(body, FIELDS);
        boolean unsetMax = body.has("globalMax") && body.get("globalMax").isNull();
        engine.updateGlobalSettings(Json.optional(body, "globalMax"), unsetMax, Json.optional(body, "threshold"),
                Json.optional(body, "delay"), Json.optional(body, "defaultDispvm"));
        return engine.globalSettings();
    }
}
