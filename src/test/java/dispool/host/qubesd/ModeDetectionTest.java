package dispool.host.qubesd;

import dispool.host.Backoff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.emulator.EmulatorServices;
import dispool.host.QubesException;
import dispool.host.qubesd.wire.AdminCall;
import dispool.host.qubesd.wire.Reply;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * How a qubesd without any disposable answers {@code admin.vm.CreateDisposable+preload} (v4.3.39
 * on) and {@code +preload-autostart} (v4.3.29–v4.3.38) decides the mode: qubesd dropping both
 * means managed, either known means native, and a qrexec policy denial (exit 126) is no answer
 * from qubesd at all.
 */
class ModeDetectionTest {

    /** What dom0's qrexec policy does before qubesd sees the call: exit 126. */
    private static final byte[] DENIED = "denied".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** qrexec's own failure (exit 125: the call could not be made). */
    private static final byte[] QREXEC_FAILED = "qrexec failed".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] DROPPED = new byte[0];
    private static final byte[] ACCEPTED = Reply.value("");

    /** A qubesd R4.3 with one DVM template and no disposable, answering each probe's argument with the bytes given. */
    private static QubesdHost qubesd(byte[] preload, byte[] preloadAutostart) {
        Transport t = new Transport() {
            @Override
            public byte[] call(AdminCall c) {
                return switch (c.method()) {
                    case "admin.vm.List" -> Reply.value("dom0 class=AdminVM state=Running uuid=00000000-0000-0000-0000-000000000000\n"
                            + "web-dvm class=AppVM state=Halted uuid=11111111-1111-1111-1111-111111111111\n");
                    case "admin.vm.property.Get" -> Reply.value("default=False type=bool True");
                    case "admin.vm.CreateDisposable" -> answer(c, c.arg().equals(ModeDetection.PRELOAD) ? preload
                            : c.arg().equals(ModeDetection.PRELOAD_AUTOSTART) ? preloadAutostart : DROPPED);
                    default -> DROPPED;
                };
            }

            @Override
            public InputStream openStream(AdminCall call) {
                throw new UnsupportedOperationException("no events in this test");
            }

            @Override
            public String describe() {
                return "a canned qubesd";
            }
        };
        return new QubesdHost(t, new EmulatorServices(t), MemorySource.NONE,
                Backoff.doubling(Duration.ofMillis(20), Duration.ofMillis(200)));
    }

    private static byte[] answer(AdminCall c, byte[] bytes) {
        if (bytes == DENIED) {
            throw QrexecTransport.exitError(c.method(), c.dest(), 126, "Request refused");
        }
        if (bytes == QREXEC_FAILED) {
            throw QrexecTransport.exitError(c.method(), c.dest(), 125, "");
        }
        return bytes;
    }

    private static ModeDetection.Result detect(byte[] preload, byte[] preloadAutostart) {
        return ModeDetection.detect(qubesd(preload, preloadAutostart));
    }

    @Test
    void v4339OnKnowsPreload() {
        assertEquals(QubesdMode.NATIVE, detect(ACCEPTED, DROPPED).mode());
    }

    @Test
    void v4329To38KnowPreloadAutostartOnly() {
        ModeDetection.Result r = detect(DROPPED, ACCEPTED);
        assertEquals(QubesdMode.NATIVE, r.mode(), r.reason());
        assertTrue(r.reason().contains("v4.3.29–v4.3.38"), r.reason());
    }

    @Test
    void olderQubesdDropsBothAndIsManaged() {
        ModeDetection.Result r = detect(DROPPED, DROPPED);
        assertEquals(QubesdMode.MANAGED, r.mode(), r.reason());
    }

    @Test
    void aFailedRefillIsNative() {
        byte[] failed = Reply.exception("QubesValueError",
                "Qube does not support the RPC 'qubes.WaitForRunningSystem' but tried to preload, check if template is outdated");
        assertEquals(QubesdMode.NATIVE, detect(failed, DROPPED).mode(), "v4.3.39+ runs its refill and returns its error");
        assertEquals(QubesdMode.NATIVE, detect(DROPPED, failed).mode(), "v4.3.29–38 alike");
    }

    @Test
    void aPolicyDenialOfBothIsNoAnswerAndDetectionSaysWhatToDo() {
        QubesException e = assertThrows(QubesException.class, () -> detect(DENIED, DENIED));
        assertTrue(e.getMessage().contains("admin.vm.CreateDisposable+preload and admin.vm.CreateDisposable+preload-autostart"),
                e.getMessage());
        assertTrue(e.getMessage().contains("dispool.qubes.mode=native"), e.getMessage());
    }

    @Test
    void aPolicyDenialThenAKnownAutostartIsNative() {
        assertEquals(QubesdMode.NATIVE, detect(DENIED, ACCEPTED).mode());
    }

    @Test
    void aPolicyDenialBesideAQubesdRefusalStaysAmbiguous() {
        // +preload denied, +preload-autostart dropped: v4.3.39 on drops it too, so older or newer cannot be told
        assertThrows(QubesException.class, () -> detect(DENIED, DROPPED));
        // +preload dropped (older than v4.3.39), +preload-autostart denied: v4.3.29–38 or older
        assertThrows(QubesException.class, () -> detect(DROPPED, DENIED));
    }

    @Test
    void anotherQrexecFailureIsNotAnAnswerAndPropagates() {
        QubesException e = assertThrows(QubesException.class, () -> detect(QREXEC_FAILED, ACCEPTED));
        assertTrue(e.getMessage().contains("qrexec could not make the call"), e.getMessage());
        assertTrue(!ModeDetection.isProtocolRefusal(new QubesException(Errors.ACCESS, "Request refused")),
                "a qrexec denial is not qubesd refusing the argument");
    }
}
