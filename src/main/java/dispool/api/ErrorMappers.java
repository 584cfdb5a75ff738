package dispool.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dispool.host.QubesException;
import dispool.pool.DispoolException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps every error to a JSON {@link ApiError} with a status that says whose fault it was. */
public class ErrorMappers {

    @ServerExceptionMapper
    public Response dispool(DispoolException e) {
        int status = switch (e.kind()) {
            case INVALID -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case UNAVAILABLE -> 503;
            case FORBIDDEN -> 403;
            case BUSY -> 429;
            case INSUFFICIENT_MEMORY -> 507;
        };
        String code = switch (e.kind()) {
            case INVALID -> "invalid-input";
            case NOT_FOUND -> "not-found";
            case CONFLICT -> "conflict";
            case UNAVAILABLE -> "unavailable";
            case FORBIDDEN -> "forbidden";
            case BUSY -> "busy";
            case INSUFFICIENT_MEMORY -> "insufficient-memory";
        };
        Response.ResponseBuilder r = Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(new ApiError(code, e.getMessage(), e.field(), e.value(), e.rule()));
        if (e.kind() == DispoolException.Kind.BUSY) {
            r.header("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        return r.build();
    }

    /** The host refused a call: its Qubes error type is the code, its message the message. */
    @ServerExceptionMapper
    public Response qubes(QubesException e) {
        int status = e.is(QubesException.VM_NOT_FOUND) ? 404 : e.is(QubesException.VALUE_ERROR) ? 400 : 502;
        return json(status, ApiError.of(e.type(), "the host refused: " + e.getMessage()));
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        return json(400, new ApiError("invalid-json", "the request body is not valid JSON: " + e.getOriginalMessage(),
                "body", null, "JSON"));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        return json(status, ApiError.of(status == 404 ? "not-found" : "http-" + status, e.getMessage()));
    }

    private static Response json(int status, ApiError body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
