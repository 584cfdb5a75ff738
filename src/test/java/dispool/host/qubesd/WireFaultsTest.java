package dispool.host.qubesd;

import dispool.host.Backoff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.Clock;
import dispool.host.HostEvent;
import dispool.host.QubesException;
import dispool.emulator.QubesdEmulator;
import dispool.host.qubesd.wire.AdminCall;
import dispool.host.qubesd.wire.Reply;
import dispool.host.qubesd.wire.WireException;
import dispool.host.sim.SimHost;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad bytes on a real socket: each gives a clear error or a reconnect, never a hang or a wrong
 * state. A scripted server answers each connection with the next canned bytes (or a cut); the
 * emulator shows which calls qubesd drops without a reply.
 */
class WireFaultsTest {

    private Path dir;
    private ScriptedServer server;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("qubesd-faults");
    }

    @AfterEach
    void tearDown() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private String callScripted(byte[]... replies) throws IOException {
        server = new ScriptedServer(dir.resolve("scripted.sock"), replies);
        AdminCall c = AdminCall.of("admin.vm.List", "", "dom0", "");
        return Reply.decode(new SocketTransport(server.path, Duration.ofMillis(500)).call(c), c);
    }

    @Test
    void aReplyCutBeforeItsEndIsAnError() throws IOException {
        assertThrows(WireException.class, () -> callScripted(b("2\0QubesVMNotFoundError\0\0No such dom")));
    }

    @Test
    void aConnectionClosedWithoutAReplyNamesTheCall() {
        QubesException e = assertThrows(QubesException.class, () -> callScripted(new byte[0]));
        assertEquals(Reply.NO_RESPONSE, e.type());
        assertTrue(e.getMessage().contains("admin.vm.List+ on dom0"), e.getMessage());
    }

    @Test
    void aSilentQubesdIsCutOffAtTheCallTimeout() {
        QubesException e = assertThrows(QubesException.class, () -> callScripted(ScriptedServer.HANG));
        assertTrue(e.getMessage().contains("no reply to admin.vm.List+ on dom0"), e.getMessage());
    }

    @Test
    void bytesThatAreNotUtf8AreAnError() {
        assertThrows(WireException.class, () -> callScripted(new byte[] {'0', 0, (byte) 0xc3, (byte) 0x28}));
    }

    @Test
    void aMissingSocketSaysWhatToCheck() {
        AdminCall c = AdminCall.of("admin.vm.List", "", "dom0", "");
        QubesException e = assertThrows(QubesException.class,
                () -> new SocketTransport(dir.resolve("none.sock"), Duration.ofSeconds(1)).call(c));
        assertTrue(e.getMessage().contains("is qubesd running"), e.getMessage());
    }

    @Test
    void anEventStreamThatDiesMidFrameReconnectsAndDeliversNoHalfEvent() throws IOException {
        byte[] established = b("1\0\0connection-established\0\0");
        byte[] half = b("1\0disp1\0domain-paus");
        server = new ScriptedServer(dir.resolve("events.sock"), concat(established, half),
                concat(established, b("1\0disp1\0domain-paused\0\0")));
        Transport t = new SocketTransport(server.path, Duration.ofSeconds(5));
        QubesdHost host = new QubesdHost(t, null, MemorySource.NONE,
                Backoff.doubling(Duration.ofMillis(10), Duration.ofMillis(100)));
        AssertSubscriber<HostEvent> events = host.events().subscribe().withSubscriber(AssertSubscriber.create(10));
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> events.getItems().size() == 3);
        assertEquals(List.of(HostEvent.of("", "connection-established"), HostEvent.of("", "connection-established"),
                HostEvent.of("disp1", "domain-paused")), events.getItems());
        events.cancel();
    }

    @Test
    void anEventStreamOfGarbageIsDroppedAndReopened() throws IOException {
        server = new ScriptedServer(dir.resolve("garbage.sock"), b("0\0not events"),
                b("1\0\0connection-established\0\0"));
        QubesdHost host = new QubesdHost(new SocketTransport(server.path, Duration.ofSeconds(5)), null, MemorySource.NONE,
                Backoff.doubling(Duration.ofMillis(10), Duration.ofMillis(100)));
        AssertSubscriber<HostEvent> events = host.events().subscribe().withSubscriber(AssertSubscriber.create(10));
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> events.getItems().size() == 1);
        assertEquals(HostEvent.CONNECTION_ESTABLISHED, events.getItems().get(0).name());
        events.cancel();
    }

    @Test
    void theEmulatorDropsWhatQubesdDrops() throws IOException {
        SimHost sim = SimHost.builder().clock(Clock.scaled(1000)).seed(1).dvmTemplate("web-dvm", 400).build();
        try (QubesdEmulator emulator = QubesdEmulator.serve(sim, dir.resolve("emu.sock"))) {
            assertEquals(0, raw(emulator.socket(), b("admin.vm.List+ dom0 name")).length, "no NUL: framing error");
            assertEquals(0, raw(emulator.socket(), b("admin.vm.List+ dom0 uuid dom0\0")).length, "bad dest type");
            assertEquals(0, raw(emulator.socket(), b("admin.no.Such+ dom0 name dom0\0")).length, "unknown method");
            assertEquals(0, raw(emulator.socket(), new byte[AdminCall.MAX_REQUEST_BYTES + 10]).length, "oversize");
            assertEquals(0, raw(emulator.socket(), b("admin.vm.feature.Set+preload-dispvm dom0 name web-dvm\0disp1")).length,
                    "preload-dispvm is qubesd's: PermissionDenied");
            assertTrue(new String(raw(emulator.socket(), b("admin.vm.List+ dom0 keyword adminvm\0")), StandardCharsets.UTF_8)
                    .startsWith("0\0dom0 class=AdminVM state=Running uuid="));
            QubesdHost host = new QubesdHost(new SocketTransport(emulator.socket(), Duration.ofSeconds(5)), null,
                    MemorySource.NONE, Backoff.doubling(Duration.ofMillis(10), Duration.ofMillis(100)));
            QubesException denied = assertThrows(QubesException.class, () -> host.setFeature("web-dvm", "preload-dispvm", "x"));
            assertTrue(denied.getMessage().contains("admin.vm.feature.Set+preload-dispvm on web-dvm"), denied.getMessage());
            assertEquals(QubesException.VALUE_ERROR,
                    assertThrows(QubesException.class, () -> host.setFeature("web-dvm", "preload-dispvm-max", "two")).type());
            assertEquals(QubesException.VM_NOT_FOUND, assertThrows(QubesException.class, () -> host.qube("nope")).type());
            assertThrows(QubesException.class, () -> host.qube("bad name"), "names are checked before the wire");
        }
    }

    private static byte[] raw(Path socket, byte[] request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer out = ByteBuffer.wrap(request);
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.shutdownOutput();
            return java.nio.channels.Channels.newInputStream(ch).readAllBytes();
        } catch (IOException e) {
            return new byte[0]; // a reset is how qubesd drops an oversize request
        }
    }

    private static byte[] concat(byte[] a, byte[] c) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + c.length);
        System.arraycopy(c, 0, out, a.length, c.length);
        return out;
    }

    /** Answers the n-th connection with the n-th canned reply, then closes it; HANG never answers. */
    private static final class ScriptedServer implements AutoCloseable {
        static final byte[] HANG = new byte[] {'h', 'a', 'n', 'g'};
        final Path path;
        private final ServerSocketChannel server;
        private final BlockingQueue<SocketChannel> open = new LinkedBlockingQueue<>();

        ScriptedServer(Path path, byte[]... replies) throws IOException {
            this.path = path;
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            Thread t = new Thread(() -> serve(replies), "scripted-qubesd");
            t.setDaemon(true);
            t.start();
        }

        private void serve(byte[][] replies) {
            for (byte[] reply : replies) {
                try {
                    SocketChannel ch = server.accept();
                    open.add(ch);
                    ByteBuffer request = ByteBuffer.allocate(AdminCall.MAX_REQUEST_BYTES);
                    while (ch.read(request) >= 0) {
                        request.clear(); // read to the client's EOF, as qubesd does
                    }
                    if (reply != HANG) {
                        ch.write(ByteBuffer.wrap(reply));
                        ch.close();
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (SocketChannel ch : open) {
                ch.close();
            }
        }
    }
}
