package dispool.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Live advice from the service's own hand-outs, on the simulated host of the test profile. */
@QuarkusTest
class AdviceApiTest {

    @Test
    void handOutsShowUpInTheAdviceWithAMaxToSetAndItsGauge() {
        int before = recorded("default-dvm");
        for (int i = 0; i < 3; i++) {
            Response r = given().post("/api/v1/pools/default-dvm/dispvms");
            r.then().statusCode(201);
            given().delete("/api/v1/dispvms/" + r.jsonPath().getString("name")).then().statusCode(204);
        }
        assertEquals(before + 3, recorded("default-dvm"));
        given().get("/api/v1/pools/default-dvm/advice").then().statusCode(200)
                .body("template", equalTo("default-dvm")).body("missTarget", equalTo(0.01f))
                .body("recommendedMax", notNullValue())
                .body("command", startsWith("qvm-features default-dvm preload-dispvm-max "))
                .body("windows.name", hasItem("recorded"))
                .body("reasons", hasItem(startsWith("Served: ")));
        Awaitility.await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                given().get("/q/metrics").then().statusCode(200)
                        .body(containsString("dispool_pool_advice_max{template=\"default-dvm\"}")));
    }

    @Test
    void aMissTargetCanBeAskedForAndABadOneIsRefusedByName() {
        given().get("/api/v1/pools/default-dvm/advice?miss-target=0.2").then().statusCode(200)
                .body("missTarget", equalTo(0.2f));
        for (String bad : new String[] {"0", "1", "abc", "-0.5"}) {
            given().get("/api/v1/pools/default-dvm/advice?miss-target=" + bad).then().statusCode(400)
                    .body(containsString("miss-target"));
        }
        given().get("/api/v1/pools/no-such-dvm/advice").then().statusCode(404);
    }

    private static int recorded(String template) {
        Response r = given().get("/api/v1/pools/" + template + "/advice");
        r.then().statusCode(200);
        return r.jsonPath().getInt("served.ready") + r.jsonPath().getInt("served.waited")
                + r.jsonPath().getInt("served.cold");
    }
}
