package dispool.host.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A QMP connection (QEMU's machine protocol, JSON lines on a Unix socket). Commands are sent one
 * at a time and wait for their {@code return} or {@code error}; asynchronous events
 * ({@code STOP}, {@code RESUME}, {@code SHUTDOWN}…) go to the listener by name, and the end of
 * the connection (QEMU gone) as {@code null}.
 */
final class Qmp implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Stands for the end of the connection in the reply queue. */
    private static final JsonNode CLOSED = JSON.createObjectNode().put("closed", true);

    private final BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
    private final LineChannel channel;
    private final Duration timeout;

    private Qmp(Path socket, String vm, Duration timeout, Consumer<String> events) throws IOException {
        this.timeout = timeout;
        this.channel = LineChannel.open(socket, "qmp-" + vm, line -> dispatch(line, events));
    }

    /** Connects, reads the greeting and leaves capabilities negotiation mode. */
    static Qmp connect(Path socket, String vm, Duration timeout, Consumer<String> events) throws IOException {
        Qmp qmp = new Qmp(socket, vm, timeout, events);
        try {
            qmp.await("greeting of " + socket);
            qmp.execute("qmp_capabilities");
            return qmp;
        } catch (IOException | RuntimeException e) {
            qmp.close();
            throw e;
        }
    }

    private void dispatch(String line, Consumer<String> events) {
        if (line == null) {
            replies.add(CLOSED);
            events.accept(null);
            return;
        }
        JsonNode msg;
        try {
            msg = JSON.readTree(line);
        } catch (IOException e) {
            return; // QEMU only writes JSON here; a broken line carries nothing we could act on
        }
        if (msg.has("event")) {
            events.accept(msg.get("event").asText());
        } else {
            replies.add(msg);
        }
    }

    /** Runs a command and returns its {@code return} value; an {@code error} reply throws with QEMU's text. */
    synchronized JsonNode execute(String command) throws IOException {
        ObjectNode cmd = JSON.createObjectNode().put("execute", command);
        channel.send(JSON.writeValueAsString(cmd));
        JsonNode reply = await(command);
        if (reply.has("error")) {
            throw new IOException("QMP " + command + " refused: " + reply.get("error").path("desc").asText());
        }
        return reply.path("return");
    }

    private JsonNode await(String what) throws IOException {
        JsonNode reply;
        try {
            reply = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for QMP " + what);
        }
        if (reply == null) {
            throw new IOException("no QMP reply to " + what + " within " + timeout.toMillis() + " ms");
        }
        if (reply == CLOSED) {
            replies.add(CLOSED);
            throw new IOException("QMP connection closed (QEMU exited) before the reply to " + what);
        }
        return reply;
    }

    @Override
    public void close() {
        channel.close();
    }
}
