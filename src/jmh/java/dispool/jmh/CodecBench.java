package dispool.jmh;

import dispool.host.HostEvent;
import dispool.host.QubesException;
import dispool.host.qubesd.wire.AdminCall;
import dispool.host.qubesd.wire.EventFrameParser;
import dispool.host.qubesd.wire.Reply;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Admin API codec ({@code host/qubesd/wire}), no I/O: what dispool spends per qubesd call and
 * per event frame beside the socket itself. Inputs are the reference's shapes (qubes-admin-api.md
 * §2, §3, §9): the hand-out's unpause call, a feature value reply, a Qubes exception reply, and
 * the event frames of one preload's start as qubesd sends them.
 *
 * <p><b>Timed:</b> building and encoding a call (name checks included); decoding a reply into a
 * value or a {@code QubesException} (which is created, not thrown); parsing a burst of frames fed
 * in one chunk by a fresh parser, per frame reported as the burst time / {@value #FRAMES}.
 * <b>Not timed:</b> building the input bytes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class CodecBench {

    static final int FRAMES = 16;

    private final AdminCall featureGet = AdminCall.of("admin.vm.feature.Get", "preload-dispvm-max", "web-dvm", "");
    private byte[] valueReply;
    private byte[] exceptionReply;
    private byte[] frames;

    @Setup
    public void input() {
        valueReply = Reply.value("2");
        exceptionReply = Reply.exception("QubesFeatureNotFoundError",
                "Feature not set for domain web-dvm: preload-dispvm-max");
        List<HostEvent> start = List.of(HostEvent.of("disp42", "domain-pre-start", "start_guid", "True",
                "mem_required", "None"), HostEvent.of("disp42", "domain-spawn", "start_guid", "True"),
                HostEvent.of("disp42", "domain-unpaused"), HostEvent.of("disp42", "domain-start", "start_guid", "True"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < FRAMES; i++) {
            out.writeBytes(EventFrameParser.encode(start.get(i % start.size())));
        }
        frames = out.toByteArray();
    }

    /** The one call on the hand-out path. */
    @Benchmark
    public byte[] encodeUnpause() {
        return AdminCall.of("admin.vm.Unpause", "", "disp42", "").encode();
    }

    @Benchmark
    public String decodeValue() {
        return Reply.decode(valueReply, featureGet);
    }

    @Benchmark
    public Exception decodeException() {
        try {
            Reply.decode(exceptionReply, featureGet);
            throw new IllegalStateException("an exception reply decoded as a value");
        } catch (QubesException e) {
            return e;
        }
    }

    /** {@value #FRAMES} frames in one chunk; divide by {@value #FRAMES} for the time per frame. */
    @Benchmark
    public List<HostEvent> parseEventBurst() {
        return new EventFrameParser().feed(frames, 0, frames.length);
    }
}
