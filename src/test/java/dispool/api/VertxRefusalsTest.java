package dispool.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dispool.pool.DispoolEngine;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Requests refused before any route runs (by Vert.x's router, for a body sent chunked, or because
 * their path changes meaning once decoded) get the documented JSON error and an audit line, as
 * every refusal dispool makes itself does; so do requests Vert.x's HTTP codec cannot parse (an
 * oversized head or request line, a malformed header line), on TCP and on the Unix socket.
 */
@QuarkusTest
class VertxRefusalsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    DispoolEngine engine;

    @ConfigProperty(name = "dispool.api.socket")
    String socket;

    @ConfigProperty(name = "dispool.audit.file")
    String auditFile;

    @ConfigProperty(name = "dispool.audit.refused-file", defaultValue = "target/test-audit-refused.log")
    String refusedFile;

    private static RawHttp tcp() {
        return RawHttp.tcp(RestAssured.port);
    }

    private static String bearer() {
        return "Authorization: Bearer " + TestToken.value();
    }

    private List<JsonNode> audited() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String f : List.of(auditFile, refusedFile)) {
            if (Files.exists(Path.of(f))) {
                for (String line : Files.readAllLines(Path.of(f))) {
                    out.add(JSON.readTree(line));
                }
            }
        }
        return out;
    }

    /** The documented shape, and an audit line with the same status and error code. */
    private void assertRefusedAndAudited(RawHttp.Answer a, int status, String code) throws IOException {
        assertEquals(status, a.status(), a.body());
        assertTrue(a.headers().getOrDefault("content-type", "").startsWith("application/json"), a.headers().toString());
        JsonNode body = JSON.readTree(a.body().isEmpty() ? "{}" : a.body());
        assertEquals(code, body.path("error").asText(), a.body());
        assertTrue(body.has("message") && body.has("field") && body.has("value") && body.has("rule"), a.body());
        long before = System.nanoTime();
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> audited().stream().anyMatch(l ->
                l.path("status").asInt() == status && l.path("error").asText().equals(code)
                        && java.time.Instant.parse(l.path("time").asText()).isAfter(java.time.Instant.now().minusSeconds(
                                30 + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - before)))));
    }

    @Test
    void aMalformedHostIsRefusedInTheDocumentedShape() throws IOException {
        assertRefusedAndAudited(tcp().send("GET", "/api/v1/pools", null, "Host: evil.com%3F", bearer()), 403, "forbidden");
        assertRefusedAndAudited(tcp().send("GET", "/api/v1/pools", null, "Host: localhost:999999", bearer()), 400,
                "invalid-input");
    }

    @Test
    void aChunkedBodyIsRefusedInTheDocumentedShapeWhateverItsSize() throws IOException {
        String chunk = "{\"max\": 1, \"pad\": \"" + "a".repeat(20_000) + "\"}";
        String raw = "PUT /api/v1/pools/web-dvm HTTP/1.1\r\nHost: localhost:" + RestAssured.port + "\r\n" + bearer()
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n";
        assertRefusedAndAudited(tcp().exchange(raw.getBytes(StandardCharsets.US_ASCII), false), 411, "invalid-input");
    }

    @Test
    void aPathThatChangesMeaningWhenDecodedIsRefusedAndReachesNoRoute() throws IOException {
        engine.setMax("web-dvm", "2");
        assertRefusedAndAudited(tcp().send("DELETE", "/api/v1/dispvms/%2e%2e/pools/web-dvm", null, bearer()), 400,
                "invalid-input");
        assertRefusedAndAudited(tcp().send("DELETE", "/api/v1/pools/web-dvm%2f..%2fdefault-dvm", null, bearer()), 400,
                "invalid-input");
        assertRefusedAndAudited(tcp().send("GET", "/api/v1/%2e%2e/q/health", null, bearer()), 400, "invalid-input");
        assertEquals(2, engine.pool("web-dvm").max(), "the refused call changed nothing");
    }

    @Test
    void anOversizedHeadIsRefusedInTheDocumentedShape() throws IOException {
        assertRefusedAndAudited(tcp().send("GET", "/api/v1/pools", null, "X-Pad: " + "a".repeat(30_000), bearer()), 431,
                "invalid-input");
    }

    @Test
    void anOversizedRequestLineIsRefusedInTheDocumentedShape() throws IOException {
        assertRefusedAndAudited(tcp().send("GET", "/api/v1/pools?" + "a".repeat(8_000), null, bearer()), 414,
                "invalid-input");
    }

    @Test
    void aMalformedHeaderLineIsRefusedInTheDocumentedShapeOnTcpAndTheSocket() throws IOException {
        assertRefusedAndAudited(tcp().send("GET", "/api/v1/pools", null, "Bad Header: x", bearer()), 400, "invalid-input");
        assertRefusedAndAudited(RawHttp.unix(Path.of(socket)).send("GET", "/api/v1/pools", null, "Bad Header: x"), 400,
                "invalid-input");
    }
}
