package dispool.host.qubesd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dispool.host.Clock;
import dispool.host.sim.SimHost;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Row 14 in dom0: before dispool pauses a preload, qmemman is asked on its socket (beside its
 * available-memory file) to set the qube to its preferred memory, in the line qubesd's own
 * {@code QMemmanClient.set_mem({xid: 0})} sends; a qmemman that does not know the request (R4.2)
 * is not asked again.
 */
class QmemmanBalloonTest {

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private ServerSocketChannel server;

    /** A qmemmand that answers every request with {@code answer}, one request per connection. */
    private Path qmemman(String answer) throws IOException {
        Path dir = Files.createTempDirectory("qmemman");
        Files.writeString(dir.resolve("qmemman-avail-mem"), "4000000000");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("qmemman.sock")));
        Thread t = new Thread(() -> {
            while (server.isOpen()) {
                try (SocketChannel ch = server.accept()) {
                    ByteBuffer buf = ByteBuffer.allocate(1024);
                    ch.read(buf);
                    requests.add(new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII));
                    ch.write(ByteBuffer.wrap((answer + "\n").getBytes(StandardCharsets.US_ASCII)));
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return dir.resolve("qmemman-avail-mem");
    }

    @AfterEach
    void close() throws IOException {
        server.close();
    }

    private static SimHost host(String maxmem) {
        SimHost sim = SimHost.builder().clock(Clock.scaled(200)).seed(3).dvmTemplate("default-dvm", 400).build();
        sim.setProperty("default-dvm", "xid", "42");
        sim.setProperty("default-dvm", "maxmem", maxmem);
        return sim;
    }

    @Test
    void aPreloadIsShrunkToItsPreferredMemoryBeforeItsPause() throws IOException {
        try (QmemmanFile qmemman = QmemmanFile.watch(qmemman("OK"), MemorySource.NONE)) {
            qmemman.beforePause(host("4000"), "default-dvm");
            assertEquals(List.of("42:0\n"), requests);
        }
    }

    @Test
    void aQubeWithoutMemoryBalancingIsLeftAlone() throws IOException {
        try (QmemmanFile qmemman = QmemmanFile.watch(qmemman("OK"), MemorySource.NONE)) {
            qmemman.beforePause(host("0"), "default-dvm");
            assertEquals(List.of(), requests, "maxmem 0: qubesd skips it too");
        }
    }

    @Test
    void anOlderQmemmanIsAskedOnceOnly() throws IOException {
        try (QmemmanFile qmemman = QmemmanFile.watch(qmemman("INVALID_ARG"), MemorySource.NONE)) {
            SimHost sim = host("4000");
            qmemman.beforePause(sim, "default-dvm");
            qmemman.beforePause(sim, "default-dvm");
            assertEquals(1, requests.size(), "R4.2's qmemman knows only a global amount: not asked again");
        }
    }
}
