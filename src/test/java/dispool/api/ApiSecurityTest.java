package dispool.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dispool.host.QubesHost;
import dispool.pool.DispoolEngine;
import dispool.pool.PoolEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may call (README "Security"): on TCP the bearer token, the service's own Host and Origin;
 * on the Unix socket whoever may open it, recorded by uid. Every refusal is the documented JSON,
 * audited, and leaves the host as it was.
 */
@QuarkusTest
class ApiSecurityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    QubesHost host;

    @Inject
    DispoolEngine engine;

    @ConfigProperty(name = "dispool.api.socket")
    String socket;

    @ConfigProperty(name = "dispool.audit.file")
    String auditFile;

    @ConfigProperty(name = "dispool.api.token-file")
    String tokenFile;

    /** Every call that changes something, as method, path and body. */
    private static List<String[]> mutatingCalls(String victim) {
        return List.of(
                new String[] {"POST", "/api/v1/dispvms", null},
                new String[] {"POST", "/api/v1/pools/whonix-dvm/dispvms", null},
                new String[] {"PUT", "/api/v1/pools/web-dvm", "{\"max\": 1}"},
                new String[] {"DELETE", "/api/v1/pools/default-dvm", null},
                new String[] {"DELETE", "/api/v1/dispvms/" + victim, null},
                new String[] {"PUT", "/api/v1/settings", "{\"threshold\": 1, \"delay\": 0}"},
                new String[] {"POST", "/api/v1/host/suspend", null},
                new String[] {"POST", "/api/v1/host/resume", null});
    }

    private static RawHttp tcp() {
        return RawHttp.tcp(RestAssured.port);
    }

    private static String[] headersFor(String body, String... more) {
        return body == null ? more : concat(more, "Content-Type: application/json");
    }

    private static String[] concat(String[] a, String b) {
        String[] out = Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }

    private String victim() {
        return given().post("/api/v1/pools/whonix-dvm/dispvms").then().statusCode(201).extract().path("name");
    }

    /** Hand-outs seen while {@code action} runs (a refused POST must hand out nothing). */
    private List<PoolEvent> handOutsDuring(Runnable action) {
        List<PoolEvent> seen = new CopyOnWriteArrayList<>();
        Cancellable sub = engine.events().stream().filter(e -> e.type() == PoolEvent.Type.HANDED_OUT).subscribe().with(seen::add);
        try {
            action.run();
        } finally {
            sub.cancel();
        }
        return seen;
    }

    @ConfigProperty(name = "dispool.audit.refused-file")
    String refusedFile;

    /** Lines each audit file had before this test: earlier tests' lines are not this test's evidence. */
    private final java.util.Map<Path, Integer> auditMarks = new java.util.HashMap<>();

    @BeforeEach
    void markAudit() throws IOException {
        for (Path file : List.of(Path.of(auditFile), Path.of(refusedFile))) {
            auditMarks.put(file, Files.exists(file) ? Files.readAllLines(file).size() : 0);
        }
    }

    /** This test's lines of both audit files: authorised calls, and calls refused at the door. */
    private List<JsonNode> auditLines() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (Path file : List.of(Path.of(auditFile), Path.of(refusedFile))) {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
            for (String line : lines.subList(Math.min(auditMarks.getOrDefault(file, 0), lines.size()), lines.size())) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    private JsonNode awaitAudit(String method, String path, int status) {
        return Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> auditLines().stream()
                .filter(l -> l.path("method").asText().equals(method) && l.path("path").asText().equals(path)
                        && l.path("status").asInt() == status).reduce((a, b) -> b).orElse(null), l -> l != null);
    }

    private static void assertErrorShape(RawHttp.Answer a, int status, String code) throws IOException {
        assertEquals(status, a.status(), a.body());
        JsonNode body = JSON.readTree(a.body());
        assertEquals(code, body.path("error").asText(), a.body());
        assertTrue(body.has("message") && body.has("field") && body.has("value") && body.has("rule"), a.body());
    }

    @Test
    void withoutACredentialEveryMutatingCallIsRefusedAndAudited() throws IOException {
        String victim = victim();
        HostSnapshot before = HostSnapshot.of(host);
        for (String[] credential : new String[][] {{}, {"Authorization: Bearer not-the-token"}, {"Authorization: Basic eDp5"}}) {
            for (String[] call : mutatingCalls(victim)) {
                List<PoolEvent> handOuts = handOutsDuring(() -> {
                    RawHttp.Answer a = tcp().send(call[0], call[1], call[2], headersFor(call[2], credential));
                    try {
                        assertErrorShape(a, 401, "unauthorized");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    assertEquals("Bearer realm=\"dispool\"", a.headers().get("www-authenticate"));
                    assertFalse(a.body().contains(TestToken.value()), "a refusal never shows the token");
                });
                assertEquals(List.of(), handOuts, call[0] + " " + call[1]);
                JsonNode line = awaitAudit(call[0], call[1], 401);
                assertEquals("anonymous", line.path("who").asText());
                assertEquals("unauthorized", line.path("error").asText());
            }
        }
        assertEquals(before, HostSnapshot.of(host), "nothing changed on the host");
        for (String line : Files.readAllLines(Path.of(auditFile))) {
            assertFalse(line.contains(TestToken.value()), "the audit log never holds the token");
        }
    }

    @Test
    void withTheTokenEveryMutatingCallWorksAndIsAuditedAsToken() throws IOException {
        String victim = victim();
        String bearer = "Authorization: Bearer " + TestToken.value();
        for (String[] call : mutatingCalls(victim)) {
            RawHttp.Answer a = tcp().send(call[0], call[1], call[2], headersFor(call[2], bearer));
            assertTrue(a.status() >= 200 && a.status() < 300, call[0] + " " + call[1] + ": " + a.status() + " " + a.body());
            JsonNode line = awaitAudit(call[0], call[1], a.status());
            assertEquals("token", line.path("who").asText());
            assertEquals("tcp", line.path("via").asText());
            assertTrue(line.path("error").isMissingNode());
        }
        assertFalse(host.listQubes().stream().anyMatch(q -> q.name().equals(victim)), "the victim was removed");
        assertEquals("1", host.feature("web-dvm", "preload-dispvm-max").orElseThrow());
        given().delete("/api/v1/pools/web-dvm").then().statusCode(200);
        given().contentType(ContentType.JSON).body("{\"max\": 2}").put("/api/v1/pools/default-dvm").then().statusCode(200);
        given().contentType(ContentType.JSON).body("{\"threshold\": 0, \"delay\": 3}").put("/api/v1/settings").then().statusCode(200);
        JsonNode handOut = awaitAudit("POST", "/api/v1/pools/whonix-dvm/dispvms", 201);
        assertEquals("whonix-dvm", handOut.path("template").asText());
        assertTrue(handOut.path("qube").asText().startsWith("disp"), handOut.toString());
    }

    @Test
    void readOnlyCallsNeedTheTokenTooByDefault() throws IOException {
        for (String path : List.of("/api/v1/pools", "/api/v1/pools/default-dvm", "/api/v1/settings", "/api/v1/host",
                "/api/v1/events", "/q/metrics", "/q/openapi")) {
            assertErrorShape(tcp().send("GET", path, null), 401, "unauthorized");
            assertEquals(200, tcp().send("GET", path.equals("/api/v1/events") ? "/api/v1/host" : path, null,
                    "Authorization: Bearer " + TestToken.value()).status());
        }
    }

    @Test
    void aForeignOriginOrHostIsRefusedEvenWithTheToken() throws IOException {
        HostSnapshot before = HostSnapshot.of(host);
        String bearer = "Authorization: Bearer " + TestToken.value();
        int port = RestAssured.port;
        String[][] hostile = {
            {"Origin: http://evil.example", "Origin"},
            {"Origin: null", "Origin"},
            {"Origin: http://localhost:" + (port + 1), "Origin"},
            {"Origin: https://localhost:" + port, "Origin"},
            {"Host: evil.example:" + port, "Host"},
            {"Host: rebind.attacker.example", "Host"},
            {"Host: localhost:" + (port + 1), "Host"},
            {"Host: 127.0.0.2:" + port, "Host"},
        };
        for (String[] h : hostile) {
            // A CORS "simple" request: a web page may send it without any preflight.
            RawHttp.Answer a = tcp().send("POST", "/api/v1/pools/whonix-dvm/dispvms", "x", bearer, h[0],
                    "Content-Type: text/plain");
            assertErrorShape(a, 403, "forbidden");
            assertEquals(h[1], JSON.readTree(a.body()).path("field").asText());
            assertEquals(403, awaitAudit("POST", "/api/v1/pools/whonix-dvm/dispvms", 403).path("status").asInt());
        }
        assertEquals(before, HostSnapshot.of(host));
        for (String own : List.of("Host: 127.0.0.1:" + port, "Host: [::1]:" + port, "Origin: http://localhost:" + port,
                "Origin: http://127.0.0.1:" + port)) {
            assertEquals(200, tcp().send("GET", "/api/v1/host", null, bearer, own).status(), own);
        }
    }

    @Test
    void theUnixSocketNeedsNoTokenAndTheAuditLogHasThePeersUid() throws Exception {
        Path sock = Path.of(socket);
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
        RawHttp.Answer a = RawHttp.unix(sock).send("POST", "/api/v1/pools/whonix-dvm/dispvms", null);
        assertEquals(201, a.status(), a.body());
        String name = JSON.readTree(a.body()).path("name").asText();
        JsonNode line = awaitAudit("POST", "/api/v1/pools/whonix-dvm/dispvms", 201);
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assertEquals("uid:" + uid, line.path("who").asText(), line.toString());
        assertEquals("socket", line.path("via").asText());
        assertTrue(line.path("pid").asLong() > 0, line.toString());
        assertEquals(name, line.path("qube").asText());
        assertEquals(204, RawHttp.unix(sock).send("DELETE", "/api/v1/dispvms/" + name, null).status());
    }

    @Test
    void changingDefaultDispvmIsOffUnlessConfigured() throws IOException {
        HostSnapshot before = HostSnapshot.of(host);
        given().contentType(ContentType.JSON).body("{\"threshold\": 7, \"defaultDispvm\": \"web-dvm\"}").put("/api/v1/settings")
                .then().statusCode(403).body("error", equalTo("forbidden")).body("field", equalTo("defaultDispvm"))
                .body("message", containsString("dispool.api.allow-default-dispvm-change=true"));
        assertEquals(before, HostSnapshot.of(host), "no field of a refused PUT is written");
        assertEquals("default-dvm", host.globalProperty("default_dispvm"));
        assertEquals("forbidden", awaitAudit("PUT", "/api/v1/settings", 403).path("error").asText());
    }

    @Test
    void theTokenFileIsTheOwnersOnly() throws IOException {
        Path file = Path.of(tokenFile);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(TestToken.value().length() >= 43, "32 random bytes, base64");
    }

    /** OpenAPI lists, per call, the statuses it answers with the error code of each (the closed set). */
    @Test
    void openApiListsTheErrorCodesPerCall() throws IOException {
        JsonNode doc = JSON.readTree(given().get("/q/openapi?format=json").then().statusCode(200).extract().asString());
        JsonNode responses = doc.path("components").path("responses");
        for (ErrorCode code : ErrorCode.values()) {
            assertTrue(responses.has(code.code()), "components.responses." + code.code());
        }
        JsonNode handOut = doc.path("paths").path("/api/v1/pools/{template}/dispvms").path("post").path("responses");
        assertEquals("#/components/responses/insufficient-memory", handOut.path("507").path("$ref").asText(), handOut.toString());
        assertEquals("#/components/responses/busy", handOut.path("429").path("$ref").asText());
        assertEquals("#/components/responses/unauthorized", handOut.path("401").path("$ref").asText());
        assertTrue(handOut.has("201"), handOut.toString());
        JsonNode list = doc.path("paths").path("/api/v1/pools").path("get").path("responses");
        assertEquals("#/components/responses/forbidden", list.path("403").path("$ref").asText(), list.toString());
        assertEquals("#/components/responses/forbidden", doc.path("paths").path("/api/v1/dispvms/{name}").path("delete")
                .path("responses").path("403").path("$ref").asText());
        String putBody = doc.path("paths").path("/api/v1/pools/{template}").path("put").path("requestBody").toString();
        assertTrue(putBody.contains("PoolMax"), putBody);
        assertTrue(doc.path("components").path("schemas").has("Error"));
    }
}
