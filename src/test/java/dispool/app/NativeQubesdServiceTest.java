package dispool.app;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dispool.host.PowerState;
import dispool.host.QubeInfo;
import dispool.host.sim.SimHost;
import dispool.pool.DispoolEngine;
import dispool.pool.PreloadOwner;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The service against an emulated qubesd that preloads natively (R4.3): mode auto detects it,
 * dispool preloads nothing itself, and the REST API and metrics read the same as on the simulator.
 */
@QuarkusTest
@TestProfile(NativeQubesdServiceTest.OnNativeQubesd.class)
class NativeQubesdServiceTest {

    /** The emulator in R43_NATIVE mode. */
    public static class OnNativeQubesd implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(EmulatedQubesdResource.class, Map.of("release", "R43_NATIVE")));
        }
    }

    @Inject
    DispoolEngine engine;

    private static SimHost sim() {
        return EmulatedQubesdResource.emulator.host();
    }

    private static void awaitReady(int ready) {
        Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50)).until(() -> {
            Response r = given().get("/api/v1/pools/default-dvm");
            return r.statusCode() == 200 && r.jsonPath().getInt("ready") == ready && r.jsonPath().getInt("starting") == 0;
        });
    }

    @Test
    void qubesdPreloadsAndTheApiReadsTheSame() {
        assertEquals(PreloadOwner.HOST, engine.owner(), "detected: the emulated qubesd preloads natively");
        awaitReady(2);
        given().get("/api/v1/pools/default-dvm").then().statusCode(200).body("max", equalTo(2))
                .body("maxSource", equalTo("LOCAL")).body("preloads[0].state", equalTo("READY"));
        Response r = given().post("/api/v1/dispvms");
        r.then().statusCode(201).body("template", equalTo("default-dvm")).body("preloaded", equalTo(true));
        assertEquals(PowerState.Running, sim().qube(r.jsonPath().getString("name")).state());
        awaitReady(2);
        assertFalse(sim().feature("default-dvm", "preload-dispvm-x-dispool-list").isPresent(), "dispool kept no pool of its own");
        assertEquals(3, sim().listQubes().stream().filter(QubeInfo::isDispVm).count(), "two preloads and the hand-out");
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("dispool_handout_seconds_count{kind=\"preloaded\",template=\"default-dvm\"}"))
                .body(containsString("dispool_pool_ready{template=\"default-dvm\"} 2.0"));
    }

    @Test
    void qubesdsOwnPreloadIsRefusedAndWhatDispoolHandedOutIsRemoved() {
        awaitReady(2);
        String preload = given().get("/api/v1/pools/default-dvm").jsonPath().getString("preloads[0].name");
        given().delete("/api/v1/dispvms/" + preload).then().statusCode(403).body("error", equalTo("forbidden"));
        assertEquals(PowerState.Paused, sim().qube(preload).state(), "qubesd's preload is left untouched");
        String handedOut = given().post("/api/v1/dispvms").then().statusCode(201).extract().jsonPath().getString("name");
        given().delete("/api/v1/dispvms/" + handedOut).then().statusCode(204);
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> sim().listQubes().stream()
                .noneMatch(q -> q.name().equals(handedOut)));
    }
}
