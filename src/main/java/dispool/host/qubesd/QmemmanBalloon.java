package dispool.host.qubesd;

import dispool.host.QubesException;
import dispool.host.QubesHost;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Hands a preload's surplus memory back before it is paused, as R4.3's qubesd does for its own
 * preloads (qubes/vm/dispvm.py {@code on_domain_pre_paused}, since v4.3.31): qmemman is asked on
 * its socket, as {@code qubes.qmemman.client.QMemmanClient.set_mem({xid: 0})} asks it, to set the
 * qube to its preferred memory (what it uses now plus qmemman's margin). The protocol
 * (qubes/tools/qmemmand.py {@code handle}): one line {@code XID:0}, the answer {@code OK},
 * {@code FAIL} or {@code INVALID_ARG}, then the client closes, which is what lets qmemman balance
 * again (it holds its global lock until then). A qmemman older than v4.3.31 (R4.2) knows only
 * {@code AMOUNT} and answers {@code INVALID_ARG}: dispool then stops asking and the paused
 * preloads keep what they ballooned to, as on R4.2.
 */
final class QmemmanBalloon {

    private static final System.Logger LOG = System.getLogger(QmemmanBalloon.class.getName());

    /** qubesd waits for qmemman without a limit, but a preload is unpaused on request; this bounds the pause's delay. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Path socket;
    private volatile boolean unsupported;

    /** {@code socket}: qmemman's, {@code /var/run/qubes/qmemman.sock}, beside its available-memory file. */
    QmemmanBalloon(Path socket) {
        this.socket = socket;
    }

    /**
     * Asks qmemman to shrink the qube to its preferred memory; never throws (a failed request
     * leaves the preload as it is, which is what R4.2 does). Skips qubes without memory balancing
     * ({@code maxmem} 0), as qubesd does.
     */
    void shrink(QubesHost host, String qube) {
        if (unsupported) {
            return;
        }
        try {
            if ("0".equals(host.property(qube, "maxmem"))) {
                return;
            }
            String xid = host.property(qube, "xid");
            String answer = ask(xid + ":0\n");
            if (answer.equals("INVALID_ARG")) {
                unsupported = true;
                LOG.log(System.Logger.Level.INFO, "qmemman at " + socket + " cannot set one qube's memory (older than R4.3 "
                        + "v4.3.31): paused preloads keep the memory they ballooned to");
            } else if (!answer.equals("OK")) {
                LOG.log(System.Logger.Level.DEBUG, "qmemman answered " + answer + " to shrinking " + qube + " (xid " + xid + ")");
            }
        } catch (IOException | QubesException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot ask qmemman to shrink " + qube + " before its pause: " + e.getMessage());
        }
    }

    /** One request on its own connection, closed after the answer (or after {@link #TIMEOUT}). */
    private String ask(String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> readLine(ch));
            try {
                return answer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new IOException("no answer within " + TIMEOUT.toSeconds() + " s");
            } catch (ExecutionException e) {
                throw new IOException(e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    private static String readLine(SocketChannel ch) {
        ByteBuffer buf = ByteBuffer.allocate(1024);
        try {
            while (buf.hasRemaining() && ch.read(buf) >= 0 && buf.get(buf.position() - 1) != '\n') {
                // qmemman answers one short line
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
    }
}
