package dispool.api;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * The OpenAPI document's shared parts: one response per {@link ErrorCode}, which each operation
 * lists under the statuses it may answer ({@code @APIResponse(responseCode = "404", ref = "not-found")}).
 * SmallRye OpenAPI reads the definition from the JAX-RS Application class; this one adds no path
 * prefix and lists no classes, so every resource is served as before.
 */
@OpenAPIDefinition(info = @Info(title = "dispool", version = "v1",
        description = "Pools of preloaded Qubes OS disposables. On TCP every call needs 'Authorization: Bearer TOKEN' "
                + "(the token file of dispool.api.token-file); on the Unix socket of dispool.api.socket none."),
        components = @Components(responses = {
            @APIResponse(name = "invalid-input", description = "invalid-input: a value breaks a rule (field, value, rule "
                    + "say which), an unknown field, a body that is not JSON or too large, a wrong method or media type",
                    content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class))),
            @APIResponse(name = "unauthorized", description = "unauthorized: on TCP, no or a wrong bearer token",
                    content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class))),
            @APIResponse(name = "forbidden", description = "forbidden: a foreign Origin or Host, a setting that is off, "
                    + "or a qube dispool did not hand out",
                    content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class))),
            @APIResponse(name = "not-found", description = "not-found: no such qube",
                    content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class))),
            @APIResponse(name = "conflict", description = "conflict: the qube is not a DVM template, or not in a state "
                    + "that allows the call (the message says which)",
                    content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class))),
            @APIResponse(name = "busy", description = "busy: too many cold starts in flight; retry after the "
                    + "Retry-After header's seconds",
                    content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class))),
            @APIResponse(name = "insufficient-memory", description = "insufficient-memory: not enough memory on the host "
                    + "for one more disposable",
                    content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class))),
            @APIResponse(name = "host-unavailable", description = "host-unavailable: qubesd could not be reached, or a "
                    + "cold start failed; try again",
                    content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class))),
            @APIResponse(name = "host-error", description = "host-error: the host refused a call unexpectedly",
                    content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class))),
            @APIResponse(name = "internal", description = "internal: a fault in dispool (the message gives the "
                    + "incident id in the service log)",
                    content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
        }))
public class ApiDocs extends Application {
}
