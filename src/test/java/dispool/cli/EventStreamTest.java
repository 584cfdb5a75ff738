package dispool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event stream as the service sends it: chunks that cut events anywhere, and refusals. */
class EventStreamTest {

    private static List<String> read(String raw) throws Exception {
        List<String> events = new ArrayList<>();
        new EventStream(new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)), "test").read(events::add);
        return events;
    }

    private static String chunk(String s) {
        return Integer.toHexString(s.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + s + "\r\n";
    }

    @Test
    void chunksThatCutEventsAnywhereGiveWholeEvents() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
        String body = chunk("data:{\"type\":\"PRELOAD_STARTED\",") + chunk("\"qube\":\"disp1\"}\n\nda")
                + chunk("ta: {\"type\":\"HANDED_OUT\"}\n\n") + "0\r\n\r\n";
        assertEquals(List.of("{\"type\":\"PRELOAD_STARTED\",\"qube\":\"disp1\"}", "{\"type\":\"HANDED_OUT\"}"),
                read(head + body));
    }

    @Test
    void aStreamWithoutChunksIsReadToItsEnd() throws Exception {
        assertEquals(List.of("{\"a\":1}"), read("HTTP/1.1 200 OK\r\n\r\ndata:{\"a\":1}\n\n"));
    }

    @Test
    void aRefusalSaysTheStatusAndWhatToDo() {
        ServiceCommand.Refused e = assertThrows(ServiceCommand.Refused.class, () -> read(
                "HTTP/1.1 401 Unauthorized\r\nContent-Length: 30\r\n\r\n{\"error\":\"unauthorized\"}"));
        assertTrue(e.getMessage().contains("HTTP 401: {\"error\":\"unauthorized\"}"), e.getMessage());
        assertTrue(e.getMessage().contains("--token-file"), e.getMessage());
        assertThrows(ServiceCommand.Refused.class, () -> read("SSH-2.0-OpenSSH\r\n"));
    }
}
