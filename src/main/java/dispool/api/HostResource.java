package dispool.api;

import dispool.app.DispoolConfig;
import dispool.host.QubesHost;
import dispool.host.qemu.QemuHost;
import dispool.pool.DispoolEngine;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Host sleep: the deploy/ sleep hook calls suspend before the host sleeps (every preload is
 * removed, as qubesd does) and resume after it wakes (the pools refill).
 */
@Path("/api/v1/host")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", ref = "unauthorized")
@APIResponse(responseCode = "403", ref = "forbidden")
@APIResponse(responseCode = "500", ref = "internal")
public class HostResource {

    @Inject
    DispoolEngine engine;

    @Inject
    DispoolConfig config;

    @Inject
    QubesHost host;

    /**
     * Which host this service runs on, so a client (dispool bench) can say who measured: the kind,
     * and for the simulator its time scale (host time per wall time) and seed (null when unset); for
     * QEMU the accelerator (kvm or tcg) and why, and the state directory.
     */
    @GET
    @APIResponse(responseCode = "200", description = "kind, and timeScale and seed on the simulator")
    public Map<String, Object> info() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", config.host().name());
        if (config.host() == DispoolConfig.HostKind.sim) {
            out.put("timeScale", config.sim().timeScale());
            out.put("seed", config.sim().seed().isPresent() ? config.sim().seed().getAsLong() : null);
        }
        if (host instanceof QemuHost qemu) {
            out.put("accelerator", qemu.accelerator());
            out.put("acceleratorReason", qemu.acceleratorReason());
            out.put("stateDir", qemu.stateDir().toString());
        }
        return out;
    }

    /** Answers once every pool is drained. */
    @POST
    @Path("/suspend")
    @APIResponse(responseCode = "503", ref = "host-unavailable")
    @APIResponse(responseCode = "200", description = "every pool drained: {\"suspended\": true, \"pools\": N}")
    public Uni<Map<String, Object>> suspend() {
        return engine.suspend().map(v -> Map.of("suspended", true, "pools", engine.pools().size()));
    }

    @POST
    @Path("/resume")
    @APIResponse(responseCode = "200", description = "the pools refill: {\"suspended\": false}")
    public Map<String, Object> resume() {
        engine.resume();
        return Map.of("suspended", false);
    }
}
