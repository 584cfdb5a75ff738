package dispool.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dispool.pool.DispoolException;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Maps every error, expected or not, to a JSON {@link ApiError} whose code is one of the closed
 * set {@link ErrorCode}, with a status that says whose fault it was. The last mapper catches
 * everything else (a bug, a shutdown), so no answer ever has another shape.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);
    /** Absolute paths in host messages (qubesd's socket, log files) stay in the service log. */
    private static final Pattern PATH = Pattern.compile("(?<![\\w.:/])/[\\w.@+-]+(?:/[\\w.@+-]+)+");

    @Inject
    CurrentVertxRequest request;

    /**
     * The engine's refusals, the host's among them (the engine maps those at its boundary,
     * {@code HostErrors}): a message that quotes the host loses its local paths here.
     */
    @ServerExceptionMapper
    public Response dispool(DispoolException e) {
        ErrorCode code = switch (e.kind()) {
            case INVALID -> ErrorCode.INVALID_INPUT;
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case CONFLICT -> ErrorCode.CONFLICT;
            case UNAVAILABLE -> ErrorCode.HOST_UNAVAILABLE;
            case FORBIDDEN -> ErrorCode.FORBIDDEN;
            case BUSY -> ErrorCode.BUSY;
            case INSUFFICIENT_MEMORY -> ErrorCode.INSUFFICIENT_MEMORY;
            case HOST_ERROR -> ErrorCode.HOST_ERROR;
        };
        String message = code == ErrorCode.HOST_UNAVAILABLE || e.hostType() != null ? withoutPaths(e.getMessage())
                : e.getMessage();
        Response.ResponseBuilder r = builder(code.status(), new ApiError(code, message, e.field(), e.value(), e.rule()));
        if (code == ErrorCode.BUSY) {
            r.header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        }
        return r.build();
    }

    @ServerExceptionMapper
    public Response edge(ApiException e) {
        return json(e.status(), e.body());
    }

    /** Unknown fields name the field; other JSON errors say where in the body they are. */
    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return json(400, new ApiError(ErrorCode.INVALID_INPUT, "unknown field \"" + u.getPropertyName() + "\"; allowed: "
                    + u.getKnownPropertyIds(), u.getPropertyName(), null, "one of " + u.getKnownPropertyIds()));
        }
        String field = e instanceof JsonMappingException m && !m.getPath().isEmpty()
                ? m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                        .collect(Collectors.joining("."))
                : "body";
        return json(400, new ApiError(ErrorCode.INVALID_INPUT, "the request body is not valid: " + e.getOriginalMessage(),
                field, null, "a JSON object as documented in /q/openapi"));
    }

    /** Named apart so that it wins over Quarkus' own mapper of this type (a bare 400). */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return badJson(e);
    }

    /** HTTP-level refusals (unknown path, wrong method, wrong media type) keep their status. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return badJson(json);
        }
        int status = e.getResponse().getStatus();
        RoutingContext ctx = request.getCurrent();
        String method = ctx == null ? null : ctx.request().method().name();
        String path = ctx == null ? null : ctx.normalizedPath();
        ApiError body;
        if (status == 404) {
            body = new ApiError(ErrorCode.NOT_FOUND, "no such path: " + path + " (the calls are listed in /q/openapi)",
                    "path", path, "a path of /q/openapi");
        } else if (e instanceof NotAllowedException) {
            body = new ApiError(ErrorCode.INVALID_INPUT, method + " is not allowed on " + path + " (the methods of each path "
                    + "are listed in /q/openapi)", "method", method, "a method /q/openapi lists for the path");
        } else if (e instanceof NotSupportedException) {
            String type = ctx == null ? null : ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
            body = new ApiError(ErrorCode.INVALID_INPUT, "a request body must be JSON: send Content-Type: application/json",
                    HttpHeaders.CONTENT_TYPE, type, MediaType.APPLICATION_JSON);
        } else if (e instanceof NotAcceptableException) {
            String accept = ctx == null ? null : ctx.request().getHeader(HttpHeaders.ACCEPT);
            body = new ApiError(ErrorCode.INVALID_INPUT, "this call answers JSON only: accept application/json",
                    HttpHeaders.ACCEPT, accept, MediaType.APPLICATION_JSON);
        } else if (status < 500) {
            body = new ApiError(ErrorCode.INVALID_INPUT, "the request was refused: " + e.getMessage(), null, null, null);
        } else {
            return unexpected(e);
        }
        return json(status, body);
    }

    /** Work refused by a full or stopping executor: the caller may try again shortly. */
    @ServerExceptionMapper
    public Response rejected(RejectedExecutionException e) {
        return builder(429, ApiError.of(ErrorCode.BUSY, "dispool cannot take this request now (its workers are busy or "
                + "it is stopping); try again in a second")).header(HttpHeaders.RETRY_AFTER, "1").build();
    }

    /** Anything else is dispool's own fault: logged with an incident id the caller can quote. */
    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (clientWentAway(e)) {
            LOG.debugf("a client closed its connection before its request body ended: %s", e);
            return json(400, new ApiError(ErrorCode.INVALID_INPUT, "the request body ended early: the connection was closed",
                    "body", null, "as many bytes as Content-Length says"));
        }
        String incident = UUID.randomUUID().toString().substring(0, 8);
        LOG.errorf(e, "incident %s: unexpected error answering a request", incident);
        return json(500, ApiError.of(ErrorCode.INTERNAL, "internal error in dispool (incident " + incident
                + " in the service log); please report it"));
    }

    private static boolean clientWentAway(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpClosedException) {
                return true;
            }
        }
        return false;
    }

    static String withoutPaths(String message) {
        return message == null ? null : PATH.matcher(message).replaceAll("(a path, see the service log)");
    }

    private Response json(int status, ApiError body) {
        return builder(status, body).build();
    }

    private Response.ResponseBuilder builder(int status, ApiError body) {
        RoutingContext ctx = request.getCurrent();
        if (ctx != null) {
            ctx.put(AuditLog.ERROR_CODE, body.error().code());
        }
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body);
    }
}
