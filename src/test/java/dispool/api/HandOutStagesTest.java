package dispool.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import io.quarkus.test.junit.QuarkusTest;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The REST hand-out's stages as JFR events, what the tail's decomposition (RestLoad --trace, stages.py) reads. */
@QuarkusTest
class HandOutStagesTest {

    @Test
    void aRecordingGetsEachRequestWithAHandOutsStagesInOrder() {
        Queue<RecordedEvent> seen = new ConcurrentLinkedQueue<>();
        String name;
        try (RecordingStream stream = new RecordingStream()) {
            stream.enable("dispool.HandOutStages").withThreshold(Duration.ZERO);
            stream.setReuse(false); // kept past the callback
            stream.onEvent("dispool.HandOutStages", seen::add);
            stream.startAsync();
            long before = System.nanoTime();
            name = given().post("/api/v1/pools/whonix-dvm/dispvms").then().statusCode(201).extract().path("name");
            given().delete("/api/v1/dispvms/" + name).then().statusCode(204);
            // the end handler runs after the answer's write, and a stream sees events at its next flush
            Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> seen.stream()
                    .filter(e -> e.getLong("doorNanos") >= before).map(e -> e.getString("method")).distinct().count() >= 2);
            List<RecordedEvent> mine = seen.stream().filter(e -> e.getLong("doorNanos") >= before).toList();
            RecordedEvent handOut = mine.stream().filter(e -> "POST".equals(e.getString("method"))).findFirst().orElseThrow();
            assertEquals(name, handOut.getString("qube"));
            assertEquals(201, handOut.getInt("status"));
            long[] stamps = {before, handOut.getLong("doorNanos"), handOut.getLong("resourceNanos"),
                handOut.getLong("engineDoneNanos"), handOut.getLong("writingNanos"), handOut.getLong("answeredNanos")};
            for (int i = 1; i < stamps.length; i++) {
                assertTrue(stamps[i - 1] <= stamps[i], "stamp " + i + " before the one ahead of it: " + handOut);
            }
            assertTrue(handOut.getString("worker").startsWith("dispool-worker"), handOut.toString());
            assertTrue(handOut.getString("eventLoop").startsWith("vert.x-eventloop"), handOut.toString());
            assertTrue(handOut.getDouble("usableAfterMs") > 0, handOut.toString());
            RecordedEvent giveBack = mine.stream().filter(e -> "DELETE".equals(e.getString("method"))).findFirst().orElseThrow();
            assertEquals(204, giveBack.getInt("status"));
            assertEquals(0, giveBack.getLong("resourceNanos"), "only a hand-out has the resource's and the engine's stamps");
        }
    }
}
