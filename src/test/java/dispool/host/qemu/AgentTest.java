package dispool.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host side of the guest's agent against a fake guest on a Unix socket; no QEMU needed. */
class AgentTest {

    /** Pings the fake guest holds unread while it "boots", as a booting guest's serial port does. */
    private static final int PILED_UP = 3;

    @TempDir
    Path dir;

    /**
     * A guest answers the pings that piled up while it booted in one run once its agent is up;
     * readiness must not return before that run is over, or the next request (a hand-out's ping)
     * waits behind it. The fake guest answers the first piled-up ping at once and the rest only
     * when another request comes, as a slow guest still working through them would.
     */
    @Test
    void readinessReturnsOnlyOnceEveryPingSentBeforeIsAnswered() throws Exception {
        Path socket = dir.resolve("agent.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            FakeGuest guest = new FakeGuest();
            Thread t = new Thread(() -> guest.serve(server), "fake-guest");
            t.setDaemon(true);
            t.start();
            try (Agent agent = Agent.connect(socket, "fake")) {
                assertTrue(agent.awaitReady(Duration.ofSeconds(30)), "the fake guest answered");
                assertEquals(guest.received.get(), guest.answered.get(),
                        "every ping sent before readiness returned has its answer (none left for the next request)");
                assertEquals(0, agent.call("", Duration.ofSeconds(5)).exitStatus());
            }
        }
    }

    /**
     * The unpause writes its ping while the guest is still paused, then has QMP {@code cont} it:
     * the request must be on the port before the {@code cont} runs, and its answer, which a
     * paused guest gives only once resumed, is awaited after it.
     */
    @Test
    void aRequestIsWrittenBeforeTheMeanwhileStepAndItsAnswerAwaitedAfter() throws Exception {
        Path socket = dir.resolve("agent.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            java.util.concurrent.BlockingQueue<String> onPort = new java.util.concurrent.LinkedBlockingQueue<>();
            java.util.concurrent.CountDownLatch resumed = new java.util.concurrent.CountDownLatch(1);
            Thread t = new Thread(() -> {
                try (SocketChannel ch = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                            StandardCharsets.UTF_8));
                    String line = in.readLine();
                    onPort.add(line);
                    resumed.await(); // a paused guest reads nothing until it runs
                    Channels.newOutputStream(ch).write((line.split(" ")[0] + " 0 \n").getBytes(StandardCharsets.UTF_8));
                    in.readLine(); // until the host closes
                } catch (IOException | InterruptedException e) {
                    onPort.add("failed: " + e);
                }
            }, "paused-guest");
            t.setDaemon(true);
            t.start();
            try (Agent agent = Agent.connect(socket, "fake")) {
                List<String> seenByCont = new ArrayList<>();
                Agent.Answer a = agent.call("", Duration.ofSeconds(10), () -> {
                    try {
                        seenByCont.add(onPort.poll(10, java.util.concurrent.TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    resumed.countDown(); // the cont
                });
                assertTrue(seenByCont.get(0) != null && seenByCont.get(0).endsWith(" ping"),
                        "the ping was on the port when the cont ran: " + seenByCont);
                assertEquals(16, seenByCont.get(0).length() + 1,
                        "a ping with its line break is two of the guest UART's 8-byte receive triggers: " + seenByCont);
                assertEquals(0, a.exitStatus(), "the answer given after the cont is the call's");
            }
        }
    }

    /**
     * An agent that answers pings with {@code run} gets commands as plain text and answers with
     * raw output lines, a line break and {@code <id> <status>}: the output comes back exactly,
     * with or without a final line break, and a line of it that looks like an answer is output.
     * One that does not (a guest built before) gets base64, as a command with a line break does.
     */
    @Test
    void commandsGoAsPlainTextOnceTheAgentSaysItTakesThemAndTheirOutputComesBackExactly() throws Exception {
        Path socket = dir.resolve("agent.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread t = new Thread(() -> {
                try (SocketChannel ch = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                            StandardCharsets.UTF_8));
                    OutputStream out = Channels.newOutputStream(ch);
                    boolean newAgent = false;
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        requests.add(line);
                        String[] f = line.split(" ", 3);
                        String reply = switch (f[1]) {
                            case "ping" -> f[0] + " 0 " + (newAgent ? "run" : "") + "\n";
                            case "run" -> f[2].replace("\\n", "\n") + "\n" + f[0] + " 3\n";
                            default -> f[0] + " 0 " + f[2] + "\n"; // exec: the command back as its output
                        };
                        newAgent = true; // the first ping is an old agent's, the rest a new one's
                        out.write(reply.getBytes(StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    requests.add("failed: " + e);
                }
            }, "fake-guest");
            t.setDaemon(true);
            t.start();
            try (Agent agent = Agent.connect(socket, "fake")) {
                assertEquals(0, agent.call("", Duration.ofSeconds(10)).exitStatus());
                assertEquals("echo old", agent.call("echo old", Duration.ofSeconds(10)).output(), "base64 both ways");
                assertTrue(requests.get(1).matches("\\d+ exec ZWNobyBvbGQ="), requests.toString());
                assertEquals(0, agent.call("", Duration.ofSeconds(10)).exitStatus());
                Agent.Answer a = agent.call("a\\n1 0\\n\\nb", Duration.ofSeconds(10));
                assertTrue(requests.get(3).matches("\\d+ run a\\\\n1 0\\\\n\\\\nb"), requests.toString());
                assertEquals(3, a.exitStatus());
                assertEquals("a\n1 0\n\nb", a.output(), "every line, the one that looks like an answer too, no line break added");
                assertEquals("x\n", agent.call("x\\n", Duration.ofSeconds(10)).output(), "a final line break kept");
                assertEquals("", agent.call("", Duration.ofSeconds(10)).output());
                assertEquals("two\nlines", agent.call("two\nlines", Duration.ofSeconds(10)).output(),
                        "a command with a line break goes as base64");
                assertTrue(requests.get(requests.size() - 1).matches("\\d+ exec dHdvCmxpbmVz"), requests.toString());
            }
        }
    }

    /** Holds the first pings, answers one, then the rest when the next request arrives, then each at once. */
    private static final class FakeGuest {
        final AtomicInteger received = new AtomicInteger();
        final AtomicInteger answered = new AtomicInteger();

        void serve(ServerSocketChannel server) {
            try (SocketChannel ch = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                        StandardCharsets.UTF_8));
                OutputStream out = Channels.newOutputStream(ch);
                List<String> held = new ArrayList<>();
                boolean up = false;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    received.incrementAndGet();
                    String id = line.split(" ")[0];
                    held.add(id);
                    if (!up && held.size() < PILED_UP) {
                        continue;
                    }
                    // coming up: only the first answer goes out now, the rest with the next request
                    for (String h : up ? held : held.subList(0, 1)) {
                        answered.incrementAndGet(); // counted before the host can read it
                        out.write((h + " 0 \n").getBytes(StandardCharsets.UTF_8));
                    }
                    held = up ? new ArrayList<>() : new ArrayList<>(held.subList(1, held.size()));
                    up = true;
                }
            } catch (IOException e) {
                // the agent closed the connection: the test is over
            }
        }
    }
}
