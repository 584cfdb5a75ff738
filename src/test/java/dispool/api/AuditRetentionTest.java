package dispool.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The audit trail keeps what matters: anonymous refusals, however many, never rotate an
 * authorised change out of it, and its files are the owner's only.
 */
@QuarkusTest
@TestProfile(AuditRetentionTest.SmallAudit.class)
class AuditRetentionTest {

    static final Path DIR = Path.of("target", "audit-retention");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ANONYMOUS_CALLS = 3_000;

    /** Small audit files (8K, one rotated copy), so a flood would rotate quickly. */
    public static class SmallAudit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("dispool.audit.file", DIR.resolve("audit.log").toString(),
                    "dispool.audit.refused-file", DIR.resolve("audit-refused.log").toString(),
                    "dispool.audit.max-size", "8K", "dispool.audit.keep", "1", "dispool.audit.refusals-per-minute", "20");
        }
    }

    /** Every line of the file and its rotated copies. */
    private static List<JsonNode> lines(String name) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(name)).sorted().toList()) {
                for (String line : Files.readAllLines(f)) {
                    out.add(JSON.readTree(line));
                }
            }
        }
        return out;
    }

    @Test
    void anonymousRefusalsNeverRotateAnAuthorisedChangeAway() throws IOException {
        RawHttp tcp = RawHttp.tcp(RestAssured.port);
        String change = "{\"max\": 1}";
        RawHttp.Answer ok = tcp.send("PUT", "/api/v1/pools/web-dvm", change, "Content-Type: application/json",
                "Authorization: Bearer " + TestToken.value());
        assertEquals(200, ok.status(), ok.body());
        for (int i = 0; i < ANONYMOUS_CALLS; i++) {
            assertEquals(401, tcp.send("PUT", "/api/v1/pools/web-dvm", "{\"max\": 0}", "Content-Type: application/json")
                    .status());
        }
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> lines("audit.log").stream().anyMatch(l ->
                l.path("who").asText().equals("token") && l.path("path").asText().equals("/api/v1/pools/web-dvm")
                        && l.path("status").asInt() == 200));
        List<JsonNode> refused = lines("audit-refused.log");
        assertTrue(refused.stream().anyMatch(l -> l.path("status").asInt() == 401), "refusals are audited");
        long written = refused.stream().filter(l -> l.path("status").asInt() == 401).count();
        long summarised = refused.stream().mapToLong(l -> l.path("notWritten").asLong()).sum();
        assertTrue(written < ANONYMOUS_CALLS / 10, written + " refusal lines of one peer");
        assertTrue(summarised > 0, "the refusals left out are counted: " + refused.get(refused.size() - 1));
    }

    @Test
    void auditFilesAreTheOwnersOnly() throws IOException {
        RawHttp.Answer a = RawHttp.tcp(RestAssured.port).send("POST", "/api/v1/host/resume", null);
        assertEquals(401, a.status());
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.toList()) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
            }
        }
    }
}
