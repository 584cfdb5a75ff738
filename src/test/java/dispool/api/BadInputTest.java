package dispool.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dispool.host.QubesHost;
import dispool.pool.DispoolEngine;
import dispool.pool.PoolEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and hostile input for every REST call, sent with the token (so it is the input that is
 * judged, not the caller): each gets a 4xx in the documented shape naming what was wrong, and
 * nothing changes on the host (knobs, default_dispvm, disposables, no hand-out).
 */
@QuarkusTest
class BadInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "Content-Type: application/json";

    @Inject
    QubesHost host;

    @Inject
    DispoolEngine engine;

    /** One hostile request and the answer it must get: status, error code and the field it names (null: any). */
    record Case(String method, String path, String body, List<String> headers, int status, String code, String field) {
        @Override
        public String toString() {
            String b = body == null ? "" : " " + (body.length() > 40 ? body.substring(0, 40) + "… (" + body.length() + " bytes)" : body);
            return method + " " + path + b + " " + headers + " -> " + status + " " + code;
        }
    }

    private static Case c(String method, String path, String body, int status, String code, String field, String... headers) {
        List<String> h = new ArrayList<>(List.of(headers));
        if (body != null && h.stream().noneMatch(x -> x.startsWith("Content-Type"))) {
            h.add(JSON_TYPE);
        }
        return new Case(method, path, body, h, status, code, field);
    }

    /** Names with path tricks, for each call that takes a qube's name in its path. */
    private static Stream<Case> names() {
        List<Case> out = new ArrayList<>();
        String[][] tricks = {
            {"..%2Fdefault-dvm", "400", "invalid-input"},
            {"%2E%2E%2Fdom0", "400", "invalid-input"},
            {"default-dvm%2F..%2F..", "400", "invalid-input"},
            {"d%C3%A9faut-dvm", "400", "invalid-input"},
            {"%E2%80%AEmvd-tluafed", "400", "invalid-input"},
            {"a".repeat(32), "400", "invalid-input"},
            {"1bad", "400", "invalid-input"},
            {"bad%00name", "400", "invalid-input"},
            {"web%20dvm", "400", "invalid-input"},
            {"%24(reboot)", "400", "invalid-input"},
            {"no-such-dvm", "404", "not-found"},
        };
        for (String[] t : tricks) {
            int status = Integer.parseInt(t[1]);
            out.add(c("GET", "/api/v1/pools/" + t[0], null, status, t[2], null));
            out.add(c("PUT", "/api/v1/pools/" + t[0], "{\"max\": 1}", status, t[2], null));
            out.add(c("DELETE", "/api/v1/pools/" + t[0], null, status, t[2], null));
            out.add(c("POST", "/api/v1/pools/" + t[0] + "/dispvms", null, status, t[2], null));
            out.add(c("DELETE", "/api/v1/dispvms/" + t[0], null, status, t[2], null));
        }
        out.add(c("GET", "/api/v1/pools/../../q/x", null, 400, "invalid-input", "path"));
        out.add(c("DELETE", "/api/v1/dispvms/", null, 405, "invalid-input", "method"));
        out.add(c("POST", "/api/v1/pools//dispvms", null, 405, "invalid-input", "method"));
        out.add(c("PUT", "/api/v1/pools/dom0", "{\"max\": 1}", 409, "conflict", null));
        out.add(c("POST", "/api/v1/pools/fedora-42-xfce/dispvms", null, 409, "conflict", null));
        return out.stream();
    }

    /** Bodies of PUT /pools/{template}: wrong types, absurd numbers, unknown fields, not JSON, wrong media types. */
    private static Stream<Case> maxBodies() {
        String put = "/api/v1/pools/web-dvm";
        return Stream.of(
                c("PUT", put, "{\"max\": 101}", 400, "invalid-input", "max"),
                c("PUT", put, "{\"max\": -1}", 400, "invalid-input", "max"),
                c("PUT", put, "{\"max\": 1e9}", 400, "invalid-input", "max"),
                c("PUT", put, "{\"max\": 1000000000000000000000}", 400, "invalid-input", "max"),
                c("PUT", put, "{\"max\": 2.5}", 400, "invalid-input", "max"),
                c("PUT", put, "{\"max\": \"NaN\"}", 400, "invalid-input", "max"),
                c("PUT", put, "{\"max\": \"1; qvm-kill dom0\"}", 400, "invalid-input", "max"),
                c("PUT", put, "{\"max\": true}", 400, "invalid-input", "max"),
                c("PUT", put, "{\"max\": [1]}", 400, "invalid-input", "max"),
                c("PUT", put, "{\"max\": {\"n\": 1}}", 400, "invalid-input", "max"),
                c("PUT", put, "{\"max\": null}", 400, "invalid-input", "max"),
                c("PUT", put, "{}", 400, "invalid-input", "max"),
                c("PUT", put, "{\"max\": 1, \"internal\": 1}", 400, "invalid-input", "internal"),
                c("PUT", put, "[1]", 400, "invalid-input", "body"),
                c("PUT", put, "1", 400, "invalid-input", "body"),
                c("PUT", put, "{\"max\": 1", 400, "invalid-input", "body"),
                c("PUT", put, "{\"max\": 1}{\"max\": 2}", 400, "invalid-input", "body"),
                c("PUT", put, "", 400, "invalid-input", "body"),
                c("PUT", put, "{\"max\": \"" + "9".repeat(20_000) + "\"}", 413, "invalid-input", "body"),
                c("PUT", put, "{\"max\": 1}", 415, "invalid-input", "Content-Type", "Content-Type: text/plain"),
                c("PUT", put, "max=1", 415, "invalid-input", "Content-Type", "Content-Type: application/x-www-form-urlencoded"),
                c("PUT", put, "{\"max\": 1}", 415, "invalid-input", "Content-Type", "Content-Type: application/xml"),
                c("PATCH", put, "{\"max\": 1}", 405, "invalid-input", "method"),
                c("POST", put, "{\"max\": 1}", 405, "invalid-input", "method"));
    }

    /** Bodies of PUT /settings; delay follows Python's float(), which Qubes uses, and must be finite and within a day. */
    private static Stream<Case> settingsBodies() {
        String put = "/api/v1/settings";
        return Stream.of(
                c("PUT", put, "{\"delay\": \"NaN\"}", 400, "invalid-input", "delay"),
                c("PUT", put, "{\"delay\": \"Infinity\"}", 400, "invalid-input", "delay"),
                c("PUT", put, "{\"delay\": \"-inf\"}", 400, "invalid-input", "delay"),
                c("PUT", put, "{\"delay\": 1e9}", 400, "invalid-input", "delay"),
                c("PUT", put, "{\"delay\": \"5d\"}", 400, "invalid-input", "delay"),
                c("PUT", put, "{\"delay\": \"0x1p3\"}", 400, "invalid-input", "delay"),
                c("PUT", put, "{\"delay\": \"1__0\"}", 400, "invalid-input", "delay"),
                c("PUT", put, "{\"delay\": \"\"}", 400, "invalid-input", "delay"),
                c("PUT", put, "{\"delay\": [3]}", 400, "invalid-input", "delay"),
                c("PUT", put, "{\"threshold\": -1}", 400, "invalid-input", "threshold"),
                c("PUT", put, "{\"threshold\": 1e9}", 400, "invalid-input", "threshold"),
                c("PUT", put, "{\"threshold\": 99999999999999999999}", 400, "invalid-input", "threshold"),
                c("PUT", put, "{\"globalMax\": 101}", 400, "invalid-input", "max"),
                c("PUT", put, "{\"globalMax\": \"x\"}", 400, "invalid-input", "max"),
                c("PUT", put, "{\"threshold\": 5, \"delay\": \"NaN\"}", 400, "invalid-input", "delay"),
                c("PUT", put, "{\"threshold\": 5, \"default_dispvm\": \"web-dvm\"}", 400, "invalid-input", "default_dispvm"),
                c("PUT", put, "{\"defaultDispvm\": \"../web-dvm\"}", 403, "forbidden", "defaultDispvm"),
                c("PUT", put, "{\"threshold\": 5}", 415, "invalid-input", "Content-Type", "Content-Type: text/plain"),
                c("PUT", put, "\"threshold\"", 400, "invalid-input", "body"),
                c("DELETE", put, null, 405, "invalid-input", "method"));
    }

    /** Calls without input parameters: only their method and body can be wrong. */
    private static Stream<Case> bodyless() {
        return Stream.of(
                c("POST", "/api/v1/dispvms", "x".repeat(20_000), 413, "invalid-input", "body"),
                c("POST", "/api/v1/host/suspend", "x".repeat(20_000), 413, "invalid-input", "body"),
                c("PUT", "/api/v1/dispvms", "{}", 405, "invalid-input", "method"),
                c("DELETE", "/api/v1/host/resume", null, 405, "invalid-input", "method"),
                c("POST", "/api/v1/events", null, 405, "invalid-input", "method"),
                c("GET", "/api/v1/no-such-call", null, 404, "not-found", "path"),
                c("POST", "/api/v2/dispvms", null, 404, "not-found", "path"));
    }

    static Stream<Case> cases() {
        return Stream.of(names(), maxBodies(), settingsBodies(), bodyless()).flatMap(s -> s);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aClear4xxInTheDocumentedShapeAndNothingChanges(Case k) throws IOException {
        HostSnapshot before = HostSnapshot.of(host);
        List<PoolEvent> handOuts = new CopyOnWriteArrayList<>();
        Cancellable sub = engine.events().stream().filter(e -> e.type() == PoolEvent.Type.HANDED_OUT).subscribe().with(handOuts::add);
        RawHttp.Answer a;
        try {
            List<String> headers = new ArrayList<>(k.headers());
            headers.add("Authorization: Bearer " + TestToken.value());
            a = RawHttp.tcp(RestAssured.port).send(k.method(), k.path(), k.body(), headers.toArray(String[]::new));
        } finally {
            sub.cancel();
        }
        assertEquals(k.status(), a.status(), a.body());
        JsonNode body = JSON.readTree(a.body());
        assertEquals(k.code(), body.path("error").asText(), a.body());
        assertTrue(body.path("message").isTextual() && !body.path("message").asText().isBlank(), a.body());
        assertTrue(body.has("field") && body.has("value") && body.has("rule"), "the documented shape: " + a.body());
        if (k.field() != null) {
            assertEquals(k.field(), body.path("field").asText(), a.body());
        }
        assertEquals(List.of(), handOuts, "no hand-out");
        assertEquals(before, HostSnapshot.of(host), "nothing changed on the host");
    }

    /** A body cut short and the connection half-closed: no answer is owed, nothing may change, the service serves on. */
    @Test
    void aHalfClosedRequestChangesNothingAndTheServiceServesOn() throws IOException {
        HostSnapshot before = HostSnapshot.of(host);
        String head = "PUT /api/v1/pools/web-dvm HTTP/1.1\r\nHost: localhost:" + RestAssured.port + "\r\nAuthorization: Bearer "
                + TestToken.value() + "\r\n" + JSON_TYPE + "\r\nContent-Length: 100\r\n\r\n{\"max\": 3";
        RawHttp.Answer a = RawHttp.tcp(RestAssured.port).exchange(head.getBytes(StandardCharsets.UTF_8), true);
        assertTrue(a.status() == -1 || a.status() == 400, "closed without answer, or 400: " + a);
        RawHttp.Answer garbage = RawHttp.tcp(RestAssured.port).exchange("\u0000\u0001NOT HTTP\r\n\r\n".getBytes(StandardCharsets.UTF_8), true);
        assertTrue(garbage.status() == -1 || garbage.status() == 400, garbage.toString());
        assertEquals(before, HostSnapshot.of(host));
        assertEquals(200, RawHttp.tcp(RestAssured.port).send("GET", "/api/v1/pools/web-dvm", null,
                "Authorization: Bearer " + TestToken.value()).status());
    }

    /**
     * A client that sends its request a few bytes at a time is answered as any other, and a
     * client stalled half-way through its headers holds up nobody else.
     */
    @Test
    void aSlowClientIsServedAndAStalledOneBlocksNobody() throws Exception {
        String request = "PUT /api/v1/pools/web-dvm HTTP/1.1\r\nHost: localhost:" + RestAssured.port + "\r\nAuthorization: Bearer "
                + TestToken.value() + "\r\n" + JSON_TYPE + "\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{\"max\": 101}";
        try (SocketChannel stalled = RawHttp.tcp(RestAssured.port).open();
                SocketChannel slow = RawHttp.tcp(RestAssured.port).open()) {
            stalled.write(ByteBuffer.wrap("PUT /api/v1/pools/web-dvm HTTP/1.1\r\nHost: loc".getBytes(StandardCharsets.UTF_8)));
            byte[] bytes = request.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < bytes.length; i += 7) {
                slow.write(ByteBuffer.wrap(bytes, i, Math.min(7, bytes.length - i)));
                assertEquals(200, RawHttp.tcp(RestAssured.port).send("GET", "/api/v1/host", null,
                        "Authorization: Bearer " + TestToken.value()).status(), "served while others are slow");
            }
            RawHttp.Answer a = RawHttp.parse(RawHttp.readAll(Channels.newInputStream(slow)));
            assertEquals(400, a.status(), a.body());
            assertEquals("max", JSON.readTree(a.body()).path("field").asText());
        }
    }
}
