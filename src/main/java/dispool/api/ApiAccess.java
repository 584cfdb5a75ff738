package dispool.api;

import dispool.app.ApiToken;
import dispool.app.DispoolConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.MemorySize;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The API's door, run before any route (REST, health, metrics, OpenAPI) reads a byte of the body.
 *
 * <ul>
 *   <li>Unix socket: whoever the socket's owner, group and mode let connect may call; the kernel's
 *       peer uid goes to the audit log.</li>
 *   <li>TCP: a {@code Host} other than the bind address (or a loopback name) and any {@code Origin}
 *       other than the service's own are refused with 403: a web page cannot post to the service
 *       (CORS "simple" requests need no preflight) nor reach it by DNS rebinding. Then every call
 *       but GET/HEAD needs {@code Authorization: Bearer TOKEN} (401 without it), and GET/HEAD too
 *       unless {@code dispool.api.read-without-token=true}.</li>
 * </ul>
 * Every call that may change something, and every refused call, is written to the {@link AuditLog}.
 */
@ApplicationScoped
public class ApiAccess {

    private static final Logger LOG = Logger.getLogger(ApiAccess.class);
    /** Runs before Quarkus' own filters (CORS and the like use lower priorities). */
    private static final int PRIORITY = 50_000;
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final Set<String> WILDCARD_BINDS = Set.of("0.0.0.0", "::", "[::]");
    private static final String BEARER = "Bearer ";

    @Inject
    DispoolConfig config;

    @Inject
    AuditLog audit;

    @Inject
    ConnectionGuard guard;

    @ConfigProperty(name = "quarkus.http.host")
    String bindHost;

    @ConfigProperty(name = "quarkus.http.host-enabled", defaultValue = "true")
    boolean tcpEnabled;

    @ConfigProperty(name = "quarkus.http.domain-socket-enabled", defaultValue = "false")
    boolean socketEnabled;

    @ConfigProperty(name = "quarkus.http.limits.max-header-size", defaultValue = "20K")
    MemorySize maxHeader;

    @ConfigProperty(name = "quarkus.http.limits.max-initial-line-length", defaultValue = "4096")
    int maxLine;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    Optional<MemorySize> maxBody;

    private volatile ApiToken token;

    /** Reads (or at the first start creates) the token file when the TCP listener is on. */
    void onStart(@Observes StartupEvent event) {
        if (tcpEnabled) {
            token = ApiToken.load(Path.of(config.api().tokenFile()));
            LOG.infof("REST API on TCP needs the bearer token in %s (curl -H \"Authorization: Bearer $(cat %s)\" ...)%s",
                    token.file(), token.file(), config.api().readWithoutToken() ? "; read-only calls go without it" : "");
        }
        if (socketEnabled) {
            config.api().socket().ifPresent(s -> LOG.infof("REST API on the Unix socket %s (no token: the socket's group %s "
                    + "and mode 0660 decide who may call)", s, config.api().socketGroup()));
        }
        if (tcpEnabled || socketEnabled) {
            LOG.infof("audit log: %s, refused calls in %s (each rotated at %s, %d files kept)", config.audit().file(),
                    config.audit().refusedFile(), config.audit().maxSize(), config.audit().keep());
        }
    }

    void register(@Observes Filters filters) {
        filters.register(this::filter, PRIORITY);
    }

    /** Failures of the router itself (a request it cannot route, a body over the limit) in the documented shape, audited. */
    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::routerRefusal);
    }

    private void filter(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        guard.headRead(request);
        Caller caller = Caller.of(request);
        boolean readOnly = request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD;
        // the one comparison with the token a request costs: it decides both the door and the audit's "who"
        boolean tokenShown = !caller.socket() && token != null && token.matches(bearer(request));
        String who = caller.who(tokenShown);
        HandOutStages.atDoor(ctx);
        ctx.addEndHandler(done -> {
            HandOutStages.answered(ctx);
            guard.requestDone(request);
            if (!readOnly && ctx.get(AuditLog.REFUSED_AT_DOOR) == null) {
                audit.record(ctx, caller, who);
            }
        });
        ApiError badPath = PathRule.refusal(request.uri());
        if (badPath != null) {
            refuse(ctx, badPath, 400, caller, who);
            return;
        }
        ApiError refusal = caller.socket() ? null : tcpRefusal(request, readOnly, tokenShown);
        if (refusal != null) {
            refuse(ctx, refusal, refusal.error().status(), caller, who);
            return;
        }
        ApiError tooLarge = bodyTooLarge(request);
        if (tooLarge != null) {
            refuse(ctx, tooLarge, "Transfer-Encoding".equals(tooLarge.field()) ? 411 : 413, caller, who);
            return;
        }
        ctx.next();
    }

    private String who(HttpServerRequest request, Caller caller) {
        return caller.who(!caller.socket() && token != null && token.matches(bearer(request)));
    }

    private void routerRefusal(RoutingContext ctx) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return; // answered already: nothing left to say
        }
        int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
        ApiError error;
        if (status >= 500) {
            String incident = java.util.UUID.randomUUID().toString().substring(0, 8);
            LOG.errorf(ctx.failure(), "incident %s: the HTTP layer failed a request to %s", incident, ctx.request().path());
            error = ApiError.of(ErrorCode.INTERNAL, "internal error in dispool (incident " + incident
                    + " in the service log); please report it");
        } else if (status == 404) {
            error = new ApiError(ErrorCode.NOT_FOUND, "no such path: " + ctx.request().path(), "path", ctx.request().path(),
                    "a path of the API (GET /q/openapi lists them)");
        } else {
            error = new ApiError(ErrorCode.INVALID_INPUT, "malformed request refused (HTTP " + status + ")"
                    + (ctx.failure() == null || ctx.failure().getMessage() == null ? "" : ": " + ctx.failure().getMessage()),
                    "request", null, "an HTTP/1.1 request within dispool's limits");
        }
        Caller caller = Caller.of(ctx.request());
        refuse(ctx, error, status, caller, who(ctx.request(), caller));
    }

    /**
     * A request head Vert.x's codec could not parse ({@link CodecRefusals}): an oversized head
     * (431) or request line (414), or a malformed head (400), audited, and its answer in the
     * documented shape. The caller is "anonymous" on TCP: no header of an unparsed head is trusted.
     */
    FullHttpResponse refuseUnparsed(Channel channel, HttpRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status;
        ApiError error;
        if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            error = new ApiError(ErrorCode.INVALID_INPUT, "the request's headers are larger than the "
                    + maxHeader.asLongValue() + " bytes a call may send (quarkus.http.limits.max-header-size): send "
                    + "fewer or shorter headers", "headers", null, "at most " + maxHeader.asLongValue() + " bytes of headers");
        } else if (cause instanceof TooLongHttpLineException) {
            status = 414;
            error = new ApiError(ErrorCode.INVALID_INPUT, "the request line is longer than the " + maxLine + " bytes a "
                    + "call may send (quarkus.http.limits.max-initial-line-length): shorten the path or query",
                    "request-line", null, "at most " + maxLine + " bytes");
        } else {
            status = 400;
            error = new ApiError(ErrorCode.INVALID_INPUT, "malformed request head refused"
                    + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()),
                    "request", null, "an HTTP/1.1 request head: a request line, then 'Name: value' lines");
        }
        Caller caller = Caller.of(channel);
        audit.recordRefused(request.method().name(), request.uri(), status, error.error().code(), caller, caller.who(false));
        byte[] body = Json.encode(error).getBytes(StandardCharsets.UTF_8);
        FullHttpResponse answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body));
        answer.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, "close");
        return answer;
    }

    /** Why a TCP request is refused before it reaches any route, or null when it may go on. */
    private ApiError tcpRefusal(HttpServerRequest request, boolean readOnly, boolean tokenShown) {
        int port = request.localAddress() == null ? -1 : request.localAddress().port();
        // HTTP/1.1's Host header, or HTTP/2's :authority (the JDK's client upgrades to h2c).
        HostAndPort authority = request.authority();
        if (authority == null || !isOwnAuthority(authority, port, request)) {
            String host = authority == null ? null : authority.host() + (authority.port() < 0 ? "" : ":" + authority.port());
            return new ApiError(ErrorCode.FORBIDDEN, "Host '" + host + "' is not this service's address: call it as "
                    + "localhost:" + port + " or " + bindHost + ":" + port + " (other names are refused against DNS rebinding)",
                    "Host", host, "the bind address or a loopback name, with the service's port");
        }
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin != null && !isOwnOrigin(origin, port, request)) {
            return new ApiError(ErrorCode.FORBIDDEN, "requests from web pages of other origins are refused (Origin '"
                    + origin + "'); call the API from a program, not a browser page", "Origin", origin,
                    "absent, or this service's own origin");
        }
        if (token == null || tokenShown || (readOnly && config.api().readWithoutToken())) {
            return null;
        }
        String shown = request.getHeader(HttpHeaders.AUTHORIZATION) == null ? "no Authorization header" : "a wrong token";
        return new ApiError(ErrorCode.UNAUTHORIZED, "this call needs the API token and got " + shown + ": send "
                + "'Authorization: Bearer TOKEN' with TOKEN the content of " + token.file() + " (setting "
                + "dispool.api.token-file), or call through the Unix socket (dispool.api.socket)",
                "Authorization", null, "Bearer and the token of dispool.api.token-file");
    }

    private boolean isOwnAuthority(HostAndPort authority, int port, HttpServerRequest request) {
        int given = authority.port() < 0 ? 80 : authority.port();
        return given == port && isOwnName(bracketed(authority.host()), request);
    }

    private boolean isOwnName(String name, HttpServerRequest request) {
        if (LOOPBACK_NAMES.contains(name) || name.equals(bracketed(bindHost))) {
            return true;
        }
        // Bound to every address: the address this connection arrived on is ours too.
        return WILDCARD_BINDS.contains(bindHost) && request.localAddress() != null
                && name.equals(bracketed(request.localAddress().host()));
    }

    private boolean isOwnOrigin(String origin, int port, HttpServerRequest request) {
        String o = origin.toLowerCase(Locale.ROOT);
        if (!o.startsWith("http://")) {
            return false;
        }
        HostAndPort authority = HostAndPort.parseAuthority(o.substring("http://".length()), 80);
        return authority != null && isOwnAuthority(authority, port, request);
    }

    private static String bracketed(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
    }

    private static String bearer(HttpServerRequest request) {
        String auth = request.getHeader(HttpHeaders.AUTHORIZATION);
        return auth != null && auth.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? auth.substring(BEARER.length()).trim() : null;
    }

    /**
     * A body announced larger than quarkus.http.limits.max-body-size, or sent chunked (411), refused
     * before it is read and in the documented shape.
     */
    private ApiError bodyTooLarge(HttpServerRequest request) {
        if (request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            // a chunked body's size is known only once read, and Vert.x refuses one past the limit with a bare 413
            return new ApiError(ErrorCode.INVALID_INPUT, "a request body sent chunked is refused: send it with "
                    + "Content-Length (at most " + maxBody.map(MemorySize::asLongValue).orElse(0L) + " bytes)",
                    "Transfer-Encoding", request.getHeader(HttpHeaders.TRANSFER_ENCODING), "absent: a body with Content-Length");
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null || maxBody.isEmpty()) {
            return null;
        }
        long limit = maxBody.get().asLongValue();
        try {
            if (Long.parseLong(length.trim()) <= limit) {
                return null;
            }
        } catch (NumberFormatException e) {
            return new ApiError(ErrorCode.INVALID_INPUT, "Content-Length '" + length + "' is not a number",
                    "Content-Length", length, "a number of bytes");
        }
        return new ApiError(ErrorCode.INVALID_INPUT, "the request body of " + length.trim() + " bytes is larger than the "
                + limit + " bytes a call takes", "body", null, "at most " + limit + " bytes");
    }

    private void refuse(RoutingContext ctx, ApiError error, int status, Caller caller, String who) {
        ctx.put(AuditLog.ERROR_CODE, error.error().code());
        ctx.put(AuditLog.REFUSED_AT_DOOR, true);
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (status == 401) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"dispool\"");
        }
        audit.record(ctx, caller, who);
        ctx.response().end(Json.encode(error));
    }
}
