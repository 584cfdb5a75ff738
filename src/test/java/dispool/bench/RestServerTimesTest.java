package dispool.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class RestServerTimesTest {

    /** As /q/metrics writes it: the hand-out (POST, 201) beside the return (DELETE, 204) and a refused hand-out (429). */
    private static final String SCRAPE = """
            # TYPE http_server_requests_seconds summary
            http_server_requests_seconds_count{method="POST",outcome="SUCCESS",status="201",uri="/api/v1/pools/{template}/dispvms"} 300
            http_server_requests_seconds_sum{method="POST",outcome="SUCCESS",status="201",uri="/api/v1/pools/{template}/dispvms"} 0.45
            http_server_requests_seconds_count{method="DELETE",outcome="SUCCESS",status="204",uri="/api/v1/dispvms/{name}"} 299
            http_server_requests_seconds_sum{method="DELETE",outcome="SUCCESS",status="204",uri="/api/v1/dispvms/{name}"} 9.0
            http_server_requests_seconds_count{method="POST",outcome="CLIENT_ERROR",status="429",uri="/api/v1/pools/{template}/dispvms"} 7
            http_server_requests_seconds_sum{method="POST",outcome="CLIENT_ERROR",status="429",uri="/api/v1/pools/{template}/dispvms"} 5.0
            http_server_requests_seconds_max{method="POST",outcome="SUCCESS",status="201",uri="/api/v1/pools/{template}/dispvms"} 0.02
            """;

    @Test
    void theHandOutTimerIsThePostsAnswered201Only() {
        assertArrayEquals(new double[] {300, 0.45}, RestServerTimes.handOutTimer(SCRAPE));
    }

    @Test
    void aScrapeWithoutTheTimerSaysWhichBinderToTurnOn() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RestServerTimes.handOutTimer("# no http metrics\njvm_threads_live_threads 40\n"));
        assertTrue(e.getMessage().contains("quarkus.micrometer.binder.http-server.enabled"), e.getMessage());
    }

    @Test
    void theEnginesPartIsTheAnswersHostTimeAtTheSimulatorsScale() {
        String body = "{\"name\":\"disp12\",\"template\":\"bench-dvm\",\"preloaded\":true,\"timings\":{\"unpause\":2500.0},"
                + "\"usableAfterMs\":25000.0}";
        // 25,000 host ms at time scale 100,000: 0.25 wall ms
        assertEquals(250_000, RestServerTimes.engineNanos(body, 100_000));
        assertEquals(-1, RestServerTimes.engineNanos("{\"name\":\"disp12\"}", 100_000));
    }

    @Test
    void aHandOutThatWaitedForAStartingPreloadSaysSoInItsTimings() {
        assertTrue(RestServerTimes.waitedForStart("{\"timings\":{\"wait-operational\":900.0,\"unpause\":25.0}}"));
        assertFalse(RestServerTimes.waitedForStart("{\"timings\":{\"claim\":0.1,\"unpause\":25.0}}"));
    }

    @Test
    void theLineSplitsTheMeanIntoTransportEventLoopAndEngine() {
        long[] caller = {2_000_000, 2_400_000}; // mean 2.2 ms
        double[] before = {100, 0.15};
        double[] after = {102, 0.15 + 2 * 0.0015}; // two hand-outs of 1.5 ms each in the service
        long[] engine = {200_000, 400_000}; // mean 0.3 ms
        String line = RestServerTimes.line(caller, before, after, engine);
        for (String part : List.of("caller 2.200", "service 1.500", "2 answers", "engine 0.300", "p50 0.400",
                "caller - service 0.700", "service - engine 1.200")) {
            assertTrue(line.contains(part), () -> "no \"" + part + "\" in: " + line);
        }
    }
}
