package dispool.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * dispool.api.header-timeout: a connection that never completes a request's head is closed when
 * the deadline passes, on TCP and on the Unix socket, however steadily it dribbles bytes (each byte
 * would reset an idle timeout); a request in flight (the event stream) is never cut by it.
 */
@QuarkusTest
@TestProfile(HeaderDeadlineTest.ShortDeadline.class)
class HeaderDeadlineTest {

    private static final Duration DEADLINE = Duration.ofMillis(1500);
    private static final Duration DRIBBLE = Duration.ofMillis(100);

    public static class ShortDeadline implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("dispool.api.header-timeout", DEADLINE.toMillis() + "ms");
        }
    }

    @ConfigProperty(name = "dispool.api.socket")
    String socket;

    private final ScheduledExecutorService dribbler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        dribbler.shutdownNow();
    }

    @Test
    void aHeadDribbledOverTcpIsCutAtTheDeadline() throws IOException {
        assertCutAtTheDeadline(RawHttp.tcp(RestAssured.port), "Host: localhost:" + RestAssured.port);
    }

    @Test
    void aHeadDribbledOverTheUnixSocketIsCutAtTheDeadline() throws IOException {
        assertCutAtTheDeadline(RawHttp.unix(Path.of(socket)), "Host: localhost");
    }

    @Test
    void aKeptAliveConnectionWithNoRequestInFlightIsClosedAtTheDeadline() throws IOException {
        long start = System.nanoTime(); // before the connect: the service's clock cannot start earlier
        try (SocketChannel ch = RawHttp.unix(Path.of(socket)).open()) {
            ch.write(ascii("GET /api/v1/pools HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            ch.configureBlocking(false);
            // The deadline runs again from the response's end: the close is awaited from the answer on,
            // so a service slowed by a busy machine does not eat the wait (the answer's own bound is a safety net).
            StringBuilder answer = new StringBuilder();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> answered(ch, answer));
            assertTrue(answer.toString().startsWith("HTTP/1.1 "), "the request was answered before the close: " + answer);
            Awaitility.await().atMost(DEADLINE.multipliedBy(4)).until(() -> closedByPeer(ch));
            assertTrue(System.nanoTime() - start >= DEADLINE.toNanos(), "closed before the deadline");
        }
    }

    @Test
    void aRequestInFlightIsNotCutByTheDeadline() throws IOException {
        try (SocketChannel ch = RawHttp.unix(Path.of(socket)).open()) {
            ch.write(ascii("GET /api/v1/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"));
            ch.configureBlocking(false);
            // The assertion is during(): open for twice the deadline. atMost only bounds the wait, with
            // room for a starved poller (it was 1.5 s over during(): one GC-and-scheduler stall away)
            Awaitility.await().during(DEADLINE.multipliedBy(2)).atMost(DEADLINE.multipliedBy(6))
                    .until(() -> !closedByPeer(ch));
        }
    }

    private void assertCutAtTheDeadline(RawHttp http, String host) throws IOException {
        long start = System.nanoTime(); // before the connect: the service's clock cannot start earlier
        try (SocketChannel ch = http.open()) {
            ch.write(ascii("GET /api/v1/pools HTTP/1.1\r\n" + host + "\r\n"));
            ch.configureBlocking(false);
            AtomicInteger sent = new AtomicInteger();
            dribbler.scheduleAtFixedRate(() -> {
                try {
                    ch.write(ascii("X"));
                    sent.incrementAndGet();
                } catch (IOException e) {
                    throw new IllegalStateException("the connection is closed", e);
                }
            }, 0, DRIBBLE.toMillis(), TimeUnit.MILLISECONDS);
            Awaitility.await().atMost(DEADLINE.multipliedBy(4)).until(() -> closedByPeer(ch));
            long elapsed = System.nanoTime() - start;
            assertTrue(elapsed >= DEADLINE.toNanos(), "closed after " + elapsed / 1_000_000 + " ms, before the deadline");
            assertTrue(sent.get() >= DEADLINE.dividedBy(DRIBBLE) / 2,
                    "the client kept sending bytes until the close (" + sent.get() + " sent)");
        }
    }

    /** True once a response's status line arrived, or the peer closed (then {@code into} shows what came). */
    private static boolean answered(SocketChannel ch, StringBuilder into) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        int n = ch.read(buf);
        into.append(new String(buf.array(), 0, Math.max(n, 0), StandardCharsets.US_ASCII));
        return n < 0 || into.indexOf("\r\n") >= 0;
    }

    /** True once the peer closed: a read gives end of stream (or the connection was reset). */
    private static boolean closedByPeer(SocketChannel ch) {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        try {
            int n;
            while ((n = ch.read(buf)) > 0) {
                buf.clear();
            }
            return n < 0;
        } catch (IOException reset) {
            return true;
        }
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }
}
