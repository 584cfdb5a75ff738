package dispool.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dispool.host.QubesHost;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The two access settings that open things up: reads without the token, and moving default_dispvm. */
@QuarkusTest
@TestProfile(ApiOptionsTest.Opened.class)
class ApiOptionsTest {

    public static class Opened implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("dispool.api.read-without-token", "true", "dispool.api.allow-default-dispvm-change", "true");
        }
    }

    @Inject
    QubesHost host;

    @Test
    void readsGoWithoutTheTokenButChangesStillNeedIt() throws IOException {
        RawHttp tcp = RawHttp.tcp(RestAssured.port);
        assertEquals(200, tcp.send("GET", "/api/v1/pools", null).status());
        assertEquals(200, tcp.send("GET", "/q/metrics", null).status());
        assertEquals(401, tcp.send("POST", "/api/v1/pools/whonix-dvm/dispvms", null).status());
        assertEquals(401, tcp.send("PUT", "/api/v1/pools/web-dvm", "{\"max\": 1}", "Content-Type: application/json").status());
        assertEquals(403, tcp.send("GET", "/api/v1/pools", null, "Origin: http://evil.example").status(),
                "a foreign Origin is refused even where no token is needed");
    }

    @Test
    void defaultDispvmMovesWhenConfiguredOn() {
        given().contentType(ContentType.JSON).body("{\"defaultDispvm\": \"web-dvm\"}").put("/api/v1/settings")
                .then().statusCode(200).body("defaultDispvm", equalTo("web-dvm"));
        assertEquals("web-dvm", host.globalProperty("default_dispvm"));
        given().contentType(ContentType.JSON).body("{\"defaultDispvm\": \"default-dvm\"}").put("/api/v1/settings")
                .then().statusCode(200);
    }
}
