package dispool.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The streamed audit line is byte for byte the line the audit log wrote by building an
 * {@code ObjectNode} and printing it (its format is what readers of the trail parse), and the
 * audit file counts a line's bytes as its UTF-8 writer writes them (rotation by size depends on it).
 */
class AuditLineTest {

    private static final ObjectMapper TREE = new ObjectMapper();
    /** Quotes, backslashes, control characters, 2- and 3-byte characters, a surrogate pair, lone surrogates. */
    private static final List<String> AWKWARD = List.of("plain", "quo\"te\\back", "tab\tnew\nline\u0001\u001f",
            "caf\u00e9 \u20ac", "\ud83d\ude00 pair", "lone \ud800 high", "lone \udc00 low", "end \ud83d", "", "\u007f\u0080");

    @Test
    void streamedLineIsTheTreeLineByteForByte() {
        for (String s : AWKWARD) {
            for (Caller caller : List.of(new Caller(true, 1000, 4321, "/run/dispool/api.sock"),
                    new Caller(true, null, null, s), new Caller(false, null, null, "127.0.0.1:" + s), new Caller(false, null, null, null))) {
                String path = "/api/v1/pools/" + s + "/dispvms";
                assertSameLine(tree("POST", path, 201, caller, s, s, null, null),
                        AuditLine.call("POST", path, 201, caller, s, s, null, null));
                assertSameLine(tree("DELETE", "/api/v1/dispvms/" + s, 404, caller, null, null, s, "not-found"),
                        AuditLine.call("DELETE", "/api/v1/dispvms/" + s, 404, caller, null, null, s, "not-found"));
            }
            ObjectNode summary = TREE.createObjectNode();
            summary.put("time", "T");
            summary.put("peer", s);
            summary.put("since", java.time.Instant.ofEpochMilli(1_700_000_000_123L).toString());
            summary.put("notWritten", 12_345_678_901L);
            summary.put("note", s);
            assertSameLine(summary.toString(), AuditLine.summary(s, 1_700_000_000_123L, 12_345_678_901L, s));
        }
    }

    @Test
    void linesOfOneThreadStayApart() {
        String first = AuditLine.call("PUT", "/api/v1/settings", 200, new Caller(false, null, null, "127.0.0.1:1"), "token",
                null, "preload-dispvm-max=2", null);
        String second = AuditLine.call("PUT", "/api/v1/settings", 400, new Caller(false, null, null, "127.0.0.1:1"), "token",
                null, null, "invalid-input");
        assertTrue(first.startsWith("{\"time\":\"") && first.endsWith("\"status\":200}"), first);
        assertTrue(second.startsWith("{\"time\":\"") && second.endsWith("\"error\":\"invalid-input\"}"), second);
    }

    @Test
    void aLineCutShortDoesNotSpoilTheThreadsNextLine() {
        Caller caller = new Caller(false, null, null, "127.0.0.1:1");
        Object broken = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("no text");
            }
        };
        assertThrows(IllegalStateException.class, () -> AuditLine.call("PUT", "/api/v1/settings", 200, caller, "token", null,
                broken, null));
        String next = AuditLine.call("PUT", "/api/v1/settings", 200, caller, "token", null, null, null);
        assertTrue(next.startsWith("{\"time\":\"") && next.endsWith("\"status\":200}"), next);
    }

    @Test
    void countsTheBytesTheFileWriterWrites() {
        for (String s : AWKWARD) {
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, AuditFile.utf8Length(s), s);
        }
    }

    /** The audit line as AuditLog built it before it was streamed. */
    private static String tree(String method, String path, int status, Caller caller, String who, Object qube, Object change,
            Object error) {
        ObjectNode line = TREE.createObjectNode();
        line.put("time", "T");
        line.put("who", who);
        line.put("via", caller.socket() ? "socket" : "tcp");
        if (caller.pid() != null) {
            line.put("pid", caller.pid());
        }
        if (!caller.socket()) {
            line.put("from", caller.address());
        }
        line.put("method", method);
        line.put("path", path);
        putIfSet(line, "template", AuditLog.templateOf(path));
        putIfSet(line, "qube", qube != null ? qube : AuditLog.qubeOf(path));
        putIfSet(line, "change", change);
        line.put("status", status);
        putIfSet(line, "error", error);
        return line.toString();
    }

    private static void putIfSet(ObjectNode line, String key, Object value) {
        if (value != null) {
            line.put(key, value.toString());
        }
    }

    /** Equal but for the time, which each builds from its own clock reading. */
    private static void assertSameLine(String expected, String actual) {
        String time = "^\\{\"time\":\"[^\"]*\"";
        assertTrue(actual.matches(time + ".*"), actual);
        assertEquals(expected.replaceFirst(time, "{\"time\":\"T\""), actual.replaceFirst(time, "{\"time\":\"T\""));
    }
}
