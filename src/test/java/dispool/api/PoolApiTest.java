package dispool.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.PowerState;
import dispool.host.QubesHost;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The REST API on the simulated host of config/application.properties (profile %test: 50× faster):
 * default-dvm preloads 2, web-dvm and whonix-dvm nothing until asked.
 */
@QuarkusTest
class PoolApiTest {

    @Inject
    QubesHost host;

    private static void awaitReady(String template, int ready) {
        Awaitility.await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20)).until(() -> {
            Response r = given().get("/api/v1/pools/" + template);
            return r.statusCode() == 200 && r.jsonPath().getInt("ready") == ready && r.jsonPath().getInt("starting") == 0;
        });
    }

    @Test
    void thePoolFillsAndAHandOutIsPreloadedThenRefills() {
        awaitReady("default-dvm", 2);
        given().get("/api/v1/pools").then().statusCode(200)
                .body("template", hasItems("default-dvm", "web-dvm", "whonix-dvm"));
        given().get("/api/v1/pools/default-dvm").then().statusCode(200)
                .body("max", equalTo(2)).body("maxSource", equalTo("LOCAL"))
                .body("preloads[0].state", equalTo("READY")).body("admission.allowed", notNullValue())
                .body("preloads[0].memoryMiB", greaterThan(0)).body("pausedMemoryMiB", greaterThan(0));
        Response r = given().post("/api/v1/dispvms");
        r.then().statusCode(201).body("template", equalTo("default-dvm")).body("preloaded", equalTo(true))
                .body("timings", hasKey("unpause")).body("usableAfterMs", notNullValue());
        assertTrue(host.qube(r.jsonPath().getString("name")).state() == PowerState.Running);
        awaitReady("default-dvm", 2);
        given().delete("/api/v1/dispvms/" + r.jsonPath().getString("name")).then().statusCode(204);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("dispool_handout_seconds_count{kind=\"preloaded\",template=\"default-dvm\"}"))
                .body(containsString("dispool_pool_ready{template=\"default-dvm\"} 2.0"))
                .body(containsString("dispool_preload_memory_bytes{template=\"default-dvm\"}"));
    }

    @Test
    void anEmptyPoolHandsOutCold() {
        given().post("/api/v1/pools/whonix-dvm/dispvms").then().statusCode(201)
                .body("preloaded", equalTo(false)).body("timings", hasKey("create"));
    }

    @Test
    void settingAndUnsettingMaxWritesTheQubesFeature() {
        given().contentType(ContentType.JSON).body("{\"max\": 1}").put("/api/v1/pools/web-dvm")
                .then().statusCode(200).body("max", equalTo(1));
        assertTrue(host.feature("web-dvm", "preload-dispvm-max").orElse("").equals("1"));
        awaitReady("web-dvm", 1);
        given().delete("/api/v1/pools/web-dvm").then().statusCode(200).body("maxSource", equalTo("UNSET"));
        assertFalse(host.feature("web-dvm", "preload-dispvm-max").isPresent());
        awaitReady("web-dvm", 0);
    }

    @Test
    void badInputGetsA4xxNamingFieldValueAndRuleAndChangesNothing() {
        String before = host.feature("web-dvm", "preload-dispvm-max").orElse("(unset)");
        for (String bad : new String[] {"-1", "\"abc\"", "2.5", "1000"}) {
            given().contentType(ContentType.JSON).body("{\"max\": " + bad + "}").put("/api/v1/pools/web-dvm")
                    .then().statusCode(400).body("error", equalTo("invalid-input")).body("field", equalTo("max"))
                    .body("rule", containsString("digits only")).body("message", containsString("web-dvm"));
        }
        given().contentType(ContentType.JSON).body("{\"maxx\": 1}").put("/api/v1/pools/web-dvm")
                .then().statusCode(400).body("field", equalTo("maxx"));
        given().contentType(ContentType.JSON).body("{not json").put("/api/v1/pools/web-dvm").then().statusCode(400);
        assertTrue(host.feature("web-dvm", "preload-dispvm-max").orElse("(unset)").equals(before));

        given().get("/api/v1/pools/no-such-dvm").then().statusCode(404).body("field", equalTo("template"))
                .body("value", equalTo("no-such-dvm"));
        given().get("/api/v1/pools/fedora-42-xfce").then().statusCode(409)
                .body("message", containsString("qvm-prefs fedora-42-xfce template_for_dispvms True"));
        given().post("/api/v1/pools/1bad/dispvms").then().statusCode(400).body("rule", equalTo("Qubes' name rule"));
        given().delete("/api/v1/dispvms/default-dvm").then().statusCode(403).body("error", equalTo("forbidden"));
    }

    @Test
    void globalSettingsReadAndWriteDom0Features() {
        given().get("/api/v1/settings").then().statusCode(200).body("defaultDispvm", equalTo("default-dvm"))
                .body("delaySeconds", equalTo(3.0f));
        given().contentType(ContentType.JSON).body("{\"threshold\": 500, \"delay\": \"1.5\"}").put("/api/v1/settings")
                .then().statusCode(200).body("thresholdMiB", equalTo(500)).body("delaySeconds", equalTo(1.5f));
        given().contentType(ContentType.JSON).body("{\"threshold\": -5, \"delay\": 2}").put("/api/v1/settings")
                .then().statusCode(400).body("field", equalTo("threshold"));
        given().get("/api/v1/settings").then().body("delaySeconds", equalTo(1.5f));
        given().contentType(ContentType.JSON).body("{\"threshold\": 0, \"delay\": 3}").put("/api/v1/settings")
                .then().statusCode(200);
    }

    @Test
    void suspendDrainsAndResumeRefills() {
        awaitReady("default-dvm", 2);
        given().post("/api/v1/host/suspend").then().statusCode(200).body("suspended", equalTo(true));
        given().get("/api/v1/pools/default-dvm").then().body("preloads.size()", equalTo(0));
        given().post("/api/v1/host/resume").then().statusCode(200);
        awaitReady("default-dvm", 2);
    }

    @Test
    void lifecycleEventsAreStreamedAsServerSentEvents() throws Exception {
        java.net.URI uri = java.net.URI.create(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port
                + "/api/v1/events");
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.util.concurrent.CompletableFuture<java.util.stream.Stream<String>> lines = client.sendAsync(
                java.net.http.HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
                        .header("Authorization", "Bearer " + TestToken.value()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofLines()).thenApply(java.net.http.HttpResponse::body);
        java.util.stream.Stream<String> stream = lines.get(20, TimeUnit.SECONDS);
        java.util.concurrent.CompletableFuture<String> handedOutLine = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> stream.filter(l -> l.startsWith("data:") && l.contains("HANDED_OUT")).findFirst().orElseThrow());
        given().post("/api/v1/pools/whonix-dvm/dispvms").then().statusCode(201);
        String handedOut = handedOutLine.get(20, TimeUnit.SECONDS);
        assertTrue(handedOut.contains("\"template\":\"whonix-dvm\""), handedOut);
    }

    @Test
    void healthAndOpenApiAreServed() {
        given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'dispool-pools' }.data.'default-dvm'", notNullValue());
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/pools/{template}/dispvms"));
    }
}
