package dispool.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** POST /api/v1/dispvms/{name}/run: only in a disposable dispool handed out, and its bad input. */
@QuarkusTest
class RunEndpointTest {

    private static RequestSpecification api() {
        return given().header("Authorization", "Bearer " + TestToken.value()).contentType(ContentType.JSON);
    }

    private static List<String> readyPreloads() {
        Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                .until(() -> api().get("/api/v1/pools/default-dvm").jsonPath().getInt("ready") == 2);
        return api().get("/api/v1/pools/default-dvm").jsonPath().getList("preloads.name");
    }

    @Test
    void aHandedOutDisposableRunsTheCommand() {
        readyPreloads();
        String name = api().post("/api/v1/pools/default-dvm/dispvms").then().statusCode(201).extract().path("name");
        api().body("{\"command\":[\"ls\",\"-l\",\"/a b\"],\"timeoutSeconds\":5}").post("/api/v1/dispvms/" + name + "/run")
                .then().statusCode(200).body("exitStatus", equalTo(0)).body("output", equalTo(""));
        api().delete("/api/v1/dispvms/" + name).then().statusCode(204);
    }

    @Test
    void nothingElseRuns() {
        String preload = readyPreloads().get(0);
        String body = "{\"command\":[\"true\"]}";
        api().body(body).post("/api/v1/dispvms/" + preload + "/run").then().statusCode(403).body("message", containsString("preload"));
        api().body(body).post("/api/v1/dispvms/debian-13-xfce/run").then().statusCode(403);
        api().body(body).post("/api/v1/dispvms/disp999999/run").then().statusCode(404);
        assertEquals(2, api().get("/api/v1/pools/default-dvm").jsonPath().getInt("ready"), "nothing was taken");
    }

    @Test
    void badBodiesAreRefusedNamingTheField() {
        String preload = readyPreloads().get(0);
        String[][] table = {
            {"{}", "command"},
            {"{\"command\":[]}", "command"},
            {"{\"command\":\"ls -l\"}", "command"},
            {"{\"command\":[\"\"]}", "command"},
            {"{\"command\":[\"ls\", 3]}", "command"},
            {"{\"command\":[\"ls\"],\"timeoutSeconds\":0}", "timeoutSeconds"},
            {"{\"command\":[\"ls\"],\"timeoutSeconds\":3601}", "timeoutSeconds"},
            {"{\"command\":[\"ls\"],\"timeoutSeconds\":\"soon\"}", "timeoutSeconds"},
            {"{\"command\":[\"ls\"],\"shell\":true}", "shell"},
        };
        for (String[] row : table) {
            api().body(row[0]).post("/api/v1/dispvms/" + preload + "/run").then().statusCode(400).body("field", equalTo(row[1]));
        }
    }

    @Test
    void commandsAreEncodedAsQubesVmExecArguments() {
        assertEquals("qubes.VMExec+ls+--l+-2Fa-20b", VmExec.service(List.of("ls", "-l", "/a b")));
        assertEquals("qubes.VMExec+sh+--c+echo-20-27x-27-3B-20exit-203", VmExec.service(List.of("sh", "-c", "echo 'x'; exit 3")));
        assertEquals("qubes.VMExec+caf-C3-A9+a_b.c", VmExec.service(List.of("café", "a_b.c")));
    }
}
