package dispool.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.QubesHost;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** A max on a DVM template that cannot preload is refused with 409, naming the missing feature. */
@QuarkusTest
class PreloadSupportApiTest {

    private static final String RPC = "supported-rpc.qubes.WaitForRunningSystem";

    @Inject
    QubesHost host;

    @Test
    void aMaxOnATemplateWithoutTheReadinessRpcIsAConflictNamingTheFeature() {
        String had = host.feature("whonix-dvm", RPC).orElseThrow();
        host.removeFeature("whonix-dvm", RPC);
        try {
            given().contentType(ContentType.JSON).body("{\"max\": 1}").put("/api/v1/pools/whonix-dvm")
                    .then().statusCode(409).body("error", equalTo("conflict")).body("message", containsString(RPC));
            assertTrue(host.feature("whonix-dvm", "preload-dispvm-max").isEmpty(), "nothing written");
        } finally {
            host.setFeature("whonix-dvm", RPC, had);
        }
    }
}
