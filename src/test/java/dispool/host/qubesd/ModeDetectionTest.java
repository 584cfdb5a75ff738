package dispool.host.qubesd;

import dispool.host.Backoff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.emulator.EmulatorServices;
import dispool.host.qubesd.wire.AdminCall;
import dispool.host.qubesd.wire.Reply;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * How a qubesd without any disposable answers {@code admin.vm.CreateDisposable+preload} decides
 * the mode: only a dropped call (qubesd's answer to an argument it does not know) means managed.
 */
class ModeDetectionTest {

    /** A qubesd R4.3 with one DVM template and no disposable, answering the probe with {@code probe}. */
    private static QubesdHost qubesd(byte[] probe) {
        Transport t = new Transport() {
            @Override
            public byte[] call(AdminCall c) {
                return switch (c.method()) {
                    case "admin.vm.List" -> Reply.value("dom0 class=AdminVM state=Running uuid=00000000-0000-0000-0000-000000000000\n"
                            + "web-dvm class=AppVM state=Halted uuid=11111111-1111-1111-1111-111111111111\n");
                    case "admin.vm.property.Get" -> Reply.value("default=False type=bool True");
                    case "admin.vm.CreateDisposable" -> probe;
                    default -> new byte[0];
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

    @Test
    void anAcceptedProbeIsNative() {
        assertEquals(QubesdMode.NATIVE, ModeDetection.detect(qubesd(Reply.value(""))).mode());
    }

    @Test
    void aDroppedCallIsManaged() {
        ModeDetection.Result r = ModeDetection.detect(qubesd(new byte[0]));
        assertEquals(QubesdMode.MANAGED, r.mode(), r.reason());
        assertTrue(r.reason().contains(Reply.NO_RESPONSE), r.reason());
    }

    @Test
    void aFailedRefillIsNative() {
        ModeDetection.Result r = ModeDetection.detect(qubesd(Reply.exception("QubesValueError",
                "Qube does not support the RPC 'qubes.WaitForRunningSystem' but tried to preload, check if template is outdated")));
        assertEquals(QubesdMode.NATIVE, r.mode(), "v4.3.39+ runs its refill and returns its error: " + r.reason());
    }

    @Test
    void aRefusalThroughQrexecIsManaged() {
        assertTrue(ModeDetection.isProtocolRefusal(new dispool.host.QubesException(Errors.ACCESS, "Request refused")));
        assertTrue(!ModeDetection.isProtocolRefusal(new dispool.host.QubesException("QubesVMNotFoundError", "No such domain")));
    }
}
