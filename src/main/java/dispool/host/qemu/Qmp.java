package dispool.host.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A QMP connection (QEMU's machine protocol, JSON lines on a Unix socket). QEMU answers commands
 * in the order they came, so each command sent queues a future that the next reply completes:
 * {@link #execute} waits for its {@code return} or {@code error}, {@link #submit} does not; asynchronous events
 * ({@code STOP}, {@code RESUME}, {@code SHUTDOWN}…) go to the listener by name, and the end of
 * the connection (QEMU gone) as {@code null}.
 */
final class Qmp implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Stands for the end of the connection in the reply queue. */
    private static final JsonNode CLOSED = JSON.createObjectNode().put("closed", true);

    /** Commands sent and not yet answered, oldest first. Guarded by {@code this}. */
    private final Queue<CompletableFuture<JsonNode>> pending = new ArrayDeque<>();
    /** The greeting QEMU sends on connecting, the first line that is not an event. */
    private final CompletableFuture<JsonNode> greeting = new CompletableFuture<>();
    private boolean closed;
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
            qmp.await(qmp.greeting, "greeting of " + socket);
            qmp.execute("qmp_capabilities");
            return qmp;
        } catch (IOException | RuntimeException e) {
            qmp.close();
            throw e;
        }
    }

    private void dispatch(String line, Consumer<String> events) {
        if (line == null) {
            closeAll();
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
            next().complete(msg);
        }
    }

    /** The future the reply just read answers: the greeting first, then the oldest command's. */
    private synchronized CompletableFuture<JsonNode> next() {
        if (!greeting.isDone()) {
            return greeting;
        }
        CompletableFuture<JsonNode> f = pending.poll();
        return f != null ? f : new CompletableFuture<>(); // a reply to nothing sent: dropped
    }

    private synchronized void closeAll() {
        closed = true;
        greeting.complete(CLOSED);
        pending.forEach(f -> f.complete(CLOSED));
        pending.clear();
    }

    /** Sends a command and returns at once; the future is its reply (checked by {@link #execute}). */
    synchronized CompletableFuture<JsonNode> submit(String command) throws IOException {
        if (closed) {
            throw new IOException("QMP connection closed (QEMU exited) before " + command + " could be sent");
        }
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.add(reply);
        try {
            channel.send(JSON.writeValueAsString(JSON.createObjectNode().put("execute", command)));
        } catch (IOException e) {
            pending.remove(reply);
            throw new IOException("cannot send QMP " + command + ": " + e.getMessage() + " (QEMU exited)", e);
        }
        return reply;
    }

    /** Runs a command and returns its {@code return} value; an {@code error} reply throws with QEMU's text. */
    JsonNode execute(String command) throws IOException {
        JsonNode reply = await(submit(command), command);
        if (reply.has("error")) {
            throw new IOException("QMP " + command + " refused: " + reply.get("error").path("desc").asText());
        }
        return reply.path("return");
    }

    private JsonNode await(CompletableFuture<JsonNode> future, String what) throws IOException {
        JsonNode reply;
        try {
            reply = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for QMP " + what);
        } catch (TimeoutException e) {
            throw new IOException("no QMP reply to " + what + " within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new IOException("QMP " + what + " failed: " + e.getCause().getMessage(), e.getCause());
        }
        if (reply == CLOSED) {
            throw new IOException("QMP connection closed (QEMU exited) before the reply to " + what);
        }
        return reply;
    }

    @Override
    public void close() {
        channel.close();
    }
}
