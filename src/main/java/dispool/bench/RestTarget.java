package dispool.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dispool.pool.HandOut;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * A running dispool service, driven through its REST API with the JDK's HTTP client. The service
 * reports its host on {@code GET /api/v1/host}; its time scale turns the bench's own wall-clock
 * times into host time.
 */
public final class RestTarget implements BenchTarget {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Duration requestTimeout;
    private final double timeScale;
    private final String description;
    private final Optional<String> token;

    /**
     * @param requestTimeout wall time one request may take (a cold start on a real host takes seconds)
     * @param token the service's API token (dispool.api.token-file), sent as a bearer token; empty sends none
     */
    public RestTarget(URI base, Duration requestTimeout, Optional<String> token) {
        this.base = base;
        this.requestTimeout = requestTimeout;
        this.token = token;
        JsonNode host = send("GET", "/api/v1/host", null, 200);
        this.timeScale = host.path("timeScale").asDouble(1.0);
        this.description = String.format(Locale.ROOT, "dispool service at %s, on its %s host (time scale %s%s)", base,
                host.path("kind").asText("unknown"), EmbeddedTarget.number(timeScale),
                host.path("seed").isNumber() ? ", seed " + host.path("seed").asLong() : "");
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public double timeScale() {
        return timeScale;
    }

    @Override
    public void setMax(String template, int max) {
        send("PUT", "/api/v1/pools/" + encode(template), "{\"max\":" + max + "}", 200);
    }

    @Override
    public void unsetMax(String template) {
        send("DELETE", "/api/v1/pools/" + encode(template), null, 200);
    }

    @Override
    public PoolState pool(String template) {
        JsonNode p = send("GET", "/api/v1/pools/" + encode(template), null, 200);
        return new PoolState(p.path("max").asInt(), p.path("ready").asInt(), p.path("starting").asInt(),
                p.path("preloads").size(), p.path("memoryMiB").asLong(), p.path("delaySeconds").asDouble(),
                "LOCAL".equals(p.path("maxSource").asText()));
    }

    @Override
    public HandOut handOut(String template) {
        JsonNode h = send("POST", "/api/v1/pools/" + encode(template) + "/dispvms", null, 201);
        try {
            return JSON.treeToValue(h, HandOut.class);
        } catch (IOException e) {
            throw new IllegalStateException("POST " + base + "/api/v1/pools/" + template + "/dispvms: unreadable reply " + h, e);
        }
    }

    @Override
    public void remove(String name) {
        send("DELETE", "/api/v1/dispvms/" + encode(name), null, 204);
    }

    @Override
    public void close() {
        // the JDK 17 HttpClient has no close(); its threads end with the client
    }

    private JsonNode send(String method, String path, String body, int expected) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(requestTimeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != expected) {
                throw new IllegalStateException(method + " " + base.resolve(path) + " answered " + r.statusCode() + ", expected "
                        + expected + ": " + r.body());
            }
            return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + base.resolve(path) + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + base.resolve(path) + " interrupted", e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }
}
