package dispool.app;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.PowerState;
import dispool.host.QubeInfo;
import dispool.host.qubesd.QubesdHost;
import dispool.host.sim.SimHost;
import dispool.pool.DispoolEngine;
import dispool.pool.PoolView;
import dispool.pool.PreloadOwner;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The whole service with {@code dispool.host=qubesd} against the emulated qubesd over a real Unix
 * socket: the same pool behaviour as on the embedded simulator (PoolApiTest), its bookkeeping under
 * {@code x-dispool-}, and a cut event stream that the service survives.
 */
@QuarkusTest
@TestProfile(QubesdServiceTest.OnEmulatedQubesd.class)
class QubesdServiceTest {

    /** Its own profile: the service boots against the emulator, not the embedded simulator. */
    public static class OnEmulatedQubesd implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(EmulatedQubesdResource.class));
        }
    }

    @Inject
    DispoolEngine engine;

    private static SimHost sim() {
        return EmulatedQubesdResource.emulator.host();
    }

    private void awaitReady(int ready) {
        Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50)).until(() -> {
            PoolView p = engine.pool("default-dvm");
            return p.ready() == ready && p.starting() == 0;
        });
    }

    /** dispool's list on the template, under a preload-dispvm- name qubesd neither reads nor copies. */
    private static Set<String> listed() {
        String list = sim().feature("default-dvm", "preload-dispvm-x-dispool-list").orElse("").trim();
        return list.isEmpty() ? Set.of() : new HashSet<>(Arrays.asList(list.split(" ")));
    }

    @Test
    void fillsHandsOutAPreloadAndRefillsThroughTheAdminApi() {
        assertTrue(engine.host() instanceof QubesdHost);
        assertEquals(PreloadOwner.DISPOOL, engine.owner(), "the emulator does not preload natively: managed mode");
        awaitReady(2);
        assertEquals(2, listed().size());
        assertFalse(sim().feature("default-dvm", "preload-dispvm").isPresent(), "qubesd's own list is never written");
        for (String name : listed()) {
            assertEquals(PowerState.Paused, sim().qube(name).state());
            assertEquals("1", sim().feature(name, "internal").orElseThrow());
        }
        Response r = given().post("/api/v1/pools/default-dvm/dispvms");
        r.then().statusCode(201).body("preloaded", equalTo(true)).body("timings", hasKey("unpause"));
        String name = r.jsonPath().getString("name");
        assertEquals(PowerState.Running, sim().qube(name).state());
        assertTrue(sim().isOperational(name), "handed out only once operational");
        awaitReady(2);
        assertFalse(listed().contains(name));
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> sim().feature(name, "internal").isEmpty());
        given().get("/api/v1/settings").then().statusCode(200).body("availableMemorySource", startsWith("qmemman "));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("dispool_handout_seconds_count{kind=\"preloaded\",template=\"default-dvm\"}"))
                .body(containsString("dispool_pool_ready{template=\"default-dvm\"} 2.0"));
        given().delete("/api/v1/dispvms/" + name).then().statusCode(204);
    }

    @Test
    void aCutEventStreamIsReconnectedAndWhatItMissedIsCaughtUp() {
        awaitReady(2);
        Set<String> before = listed();
        String usedOutside = before.iterator().next();
        EmulatedQubesdResource.emulator.cutEventStreams(true);
        sim().unpause(usedOutside); // during the reconnect backoff: its domain-unpaused is never sent
        Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                .until(() -> EmulatedQubesdResource.emulator.openEventStreams() == 1 && !listed().contains(usedOutside)
                        && engine.pool("default-dvm").preloads().stream().noneMatch(p -> usedOutside.equals(p.name())));
        awaitReady(2);
        Set<String> after = listed();
        assertFalse(after.contains(usedOutside), "a preload unpaused outside dispool is never handed out again");
        for (QubeInfo q : sim().listQubes()) {
            if (q.isDispVm() && q.state() == PowerState.Paused) {
                assertTrue(after.contains(q.name()), "every paused disposable is a listed preload (no leak): " + q.name());
            }
        }
        Response r = given().post("/api/v1/pools/default-dvm/dispvms");
        r.then().statusCode(201).body("preloaded", equalTo(true));
        assertTrue(after.contains(r.jsonPath().getString("name")));
    }

    @Test
    void aDisposableSomeoneElseCreatedThroughQubesdSurvivesADeleteThroughDispool() {
        String theirs = sim().createDisposable("default-dvm", Map.of()); // as qvm-run --dispvm does
        sim().start(theirs);
        given().delete("/api/v1/dispvms/" + theirs).then().statusCode(403).body("error", equalTo("forbidden"))
                .body("message", containsString(theirs));
        assertEquals(PowerState.Running, sim().qube(theirs).state(), "left untouched");
        sim().kill(theirs);
    }

    /** dom0 and every qube that is no disposable: refused by name, and no message lists the host's qubes. */
    @Test
    void dom0AndOtherNonDisposablesAreRefusedWithoutTheInventory() {
        for (String name : List.of("dom0", "web-dvm", "fedora-42-xfce")) {
            assertRefused(given().delete("/api/v1/dispvms/" + name), 403, "forbidden", name);
            assertRefused(given().contentType("application/json").body("{\"command\": [\"ls\"]}")
                    .post("/api/v1/dispvms/" + name + "/run"), 403, "forbidden", name);
        }
        assertRefused(given().contentType("application/json").body("{\"max\": 1}").put("/api/v1/pools/dom0"), 409,
                "conflict", "dom0");
        assertRefused(given().delete("/api/v1/pools/dom0"), 409, "conflict", "dom0");
        assertRefused(given().post("/api/v1/pools/dom0/dispvms"), 409, "conflict", "dom0");
    }

    private static void assertRefused(Response r, int status, String code, String asked) {
        r.then().statusCode(status).body("error", equalTo(code)).body("message", containsString(asked));
        for (QubeInfo q : sim().listQubes()) {
            if (!q.name().equals(asked) && !q.name().equals("dom0")) {
                assertFalse(r.asString().contains(q.name()), "the answer about " + asked + " names " + q.name() + ": "
                        + r.asString());
            }
        }
    }
}
