package dispool.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The QMP connection against a QEMU stand-in that answers when the test says so. */
class QmpTest {

    @TempDir
    Path dir;
    private ServerSocketChannel server;
    private SocketChannel peer;
    private BufferedReader fromClient;
    private OutputStream toClient;
    private final List<String> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws IOException {
        if (peer != null) {
            peer.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Connects a Qmp to the stand-in, which greets and accepts qmp_capabilities as QEMU does. */
    private Qmp connect(Duration timeout) throws Exception {
        Path socket = dir.resolve("qmp.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        CompletableFuture<Qmp> qmp = CompletableFuture.supplyAsync(() -> {
            try {
                return Qmp.connect(socket, "disp1", timeout, events::add);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        peer = server.accept();
        fromClient = new BufferedReader(new InputStreamReader(Channels.newInputStream(peer), StandardCharsets.UTF_8));
        toClient = Channels.newOutputStream(peer);
        say("{\"QMP\": {\"version\": {}, \"capabilities\": []}}");
        assertTrue(fromClient.readLine().contains("qmp_capabilities"));
        say("{\"return\": {}}");
        return qmp.get(10, TimeUnit.SECONDS);
    }

    private void say(String line) throws IOException {
        toClient.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        toClient.flush();
    }

    @Test
    void submitReturnsBeforeTheReplyAndEachReplyAnswersItsOwnCommandInOrder() throws Exception {
        Qmp qmp = connect(Duration.ofSeconds(10));
        CompletableFuture<com.fasterxml.jackson.databind.JsonNode> stop = qmp.submit("stop");
        CompletableFuture<com.fasterxml.jackson.databind.JsonNode> status = qmp.submit("query-status");
        assertFalse(stop.isDone(), "nothing answered yet");
        assertTrue(fromClient.readLine().contains("\"stop\""));
        assertTrue(fromClient.readLine().contains("\"query-status\""));
        say("{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"STOP\"}");
        say("{\"return\": {}}");
        say("{\"return\": {\"status\": \"paused\", \"running\": false}}");
        assertEquals(0, stop.get(10, TimeUnit.SECONDS).path("return").size());
        assertEquals("paused", status.get(10, TimeUnit.SECONDS).path("return").path("status").asText());
        assertEquals(List.of("STOP"), events, "an event is no command's reply");
    }

    @Test
    void aReplyThatCameTooLateIsNotTakenForTheNextCommands() throws Exception {
        Qmp qmp = connect(Duration.ofMillis(200));
        IOException late = assertThrows(IOException.class, () -> qmp.execute("stop"));
        assertTrue(late.getMessage().contains("no QMP reply to stop within 200 ms"), late.getMessage());
        BlockingQueue<String> status = new LinkedBlockingQueue<>();
        CompletableFuture.runAsync(() -> {
            try {
                status.add(qmp.execute("query-status").path("status").asText());
            } catch (IOException e) {
                status.add("failed: " + e.getMessage());
            }
        });
        fromClient.readLine(); // stop
        fromClient.readLine(); // query-status
        say("{\"return\": {}}"); // stop's, late
        say("{\"return\": {\"status\": \"running\"}}");
        assertEquals("running", status.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void commandsAfterQemuExitedFailSayingSo() throws Exception {
        Qmp qmp = connect(Duration.ofSeconds(10));
        CompletableFuture<com.fasterxml.jackson.databind.JsonNode> cont = qmp.submit("cont");
        peer.close();
        IOException e = assertThrows(IOException.class, () -> qmp.execute("query-status"));
        assertTrue(e.getMessage().contains("QEMU exited"), e.getMessage());
        assertTrue(cont.get(10, TimeUnit.SECONDS).path("closed").asBoolean(), "the pending command learns it too");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.contains(null)); // the end is passed on
    }
}
