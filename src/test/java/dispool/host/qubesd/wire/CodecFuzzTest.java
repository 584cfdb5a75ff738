package dispool.host.qubesd.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dispool.host.HostEvent;
import dispool.host.QubesException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random and mutated frames fed to the reply decoder and the event parser. A plain JUnit
 * fuzz test rather than jqwik: jqwik 1.10.1 is built on JUnit Platform 1.14, while Quarkus 3.32.1
 * runs the suite on Platform 6.0.3. Each seed is repeatable; a failure prints seed and input.
 *
 * <p>The rule checked: any bytes give a value, a {@link QubesException} (wire errors included),
 * or, for the event parser, events plus a clean "frame unfinished" state, and never another
 * exception, a hang or a wrong value for a frame that was valid.
 */
class CodecFuzzTest {

    private static final int ROUNDS = 4_000;
    private static final String ALPHABET = "abcdefgh-_.:=% 0123456789\n\\";

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 4711})
    void validRepliesRoundTripAndMutatedOnesFailCleanly(long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < ROUNDS; i++) {
            String value = text(r, 40);
            assertEquals(value, Reply.decode(Reply.value(value), "fuzz"), "seed " + seed);
            String type = "Qubes" + text(r, 8).replaceAll("[^a-z]", "") + "Error";
            QubesException e = assertThrows(QubesException.class, () -> Reply.decode(Reply.exception(type, value), "fuzz"));
            assertEquals(type, e.type());
            assertEquals(value, e.getMessage());
            byte[] mutated = mutate(r, r.nextBoolean() ? Reply.value(value) : Reply.exception(type, value));
            try {
                Reply.decode(mutated, "fuzz");
            } catch (QubesException expected) {
                // a clear error is a correct answer to a broken frame
            } catch (RuntimeException other) {
                fail("seed " + seed + ": " + Reply.preview(mutated) + " threw " + other, other);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 4711})
    void eventStreamsParseTheSameInAnyChunkingAndBrokenOnesFailCleanly(long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < ROUNDS / 10; i++) {
            List<HostEvent> events = new ArrayList<>();
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (int n = r.nextInt(6); n >= 0; n--) {
                HostEvent e = event(r);
                events.add(e);
                stream.writeBytes(EventFrameParser.encode(e));
            }
            byte[] bytes = stream.toByteArray();
            assertEquals(events, parseChunked(r, bytes), "seed " + seed);
            byte[] mutated = mutate(r, bytes);
            try {
                parseChunked(r, mutated);
            } catch (QubesException expected) {
                // the connection is dropped and re-opened; nothing half-parsed is delivered
            } catch (RuntimeException other) {
                fail("seed " + seed + ": " + Reply.preview(mutated) + " threw " + other, other);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 8, 9})
    void requestsRoundTripAndMutatedOnesAreDecodedOrRefusedAsQubesdWould(long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < ROUNDS; i++) {
            AdminCall call = new AdminCall("admin.vm." + (char) ('A' + r.nextInt(26)) + "x", r.nextBoolean() ? "" : "arg" + r.nextInt(99),
                    "dom0", "vm" + r.nextInt(1000), text(r, 30).getBytes(StandardCharsets.UTF_8));
            assertEquals(call, AdminCall.decode(call.encode()), "seed " + seed);
            byte[] mutated = mutate(r, call.encode());
            try {
                AdminCall.decode(mutated);
            } catch (WireException expected) {
                // qubesd drops such a request without a reply
            } catch (RuntimeException other) {
                fail("seed " + seed + ": " + Reply.preview(mutated) + " threw " + other, other);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {5, 6})
    void aStreamCutAnywhereLeavesAnUnfinishedFrameAndNoPartialEvent(long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < ROUNDS / 10; i++) {
            byte[] frame = EventFrameParser.encode(event(r));
            int cut = 1 + r.nextInt(frame.length - 1);
            EventFrameParser p = new EventFrameParser();
            assertEquals(List.of(), p.feed(frame, 0, cut));
            assertEquals(cut > 0, p.midFrame());
            assertFalse(p.feed(frame, cut, frame.length - cut).isEmpty());
        }
    }

    private static List<HostEvent> parseChunked(Random r, byte[] bytes) {
        EventFrameParser p = new EventFrameParser();
        List<HostEvent> out = new ArrayList<>();
        for (int off = 0; off < bytes.length;) {
            int len = Math.min(bytes.length - off, 1 + r.nextInt(16));
            out.addAll(p.feed(bytes, off, len));
            off += len;
        }
        return out;
    }

    private static HostEvent event(Random r) {
        Map<String, String> kwargs = new LinkedHashMap<>();
        for (int n = r.nextInt(4); n > 0; n--) {
            kwargs.put("k" + text(r, 6).replace("\n", ""), text(r, 10));
        }
        String subject = r.nextBoolean() ? "" : "disp" + r.nextInt(10_000);
        return new HostEvent(subject, "domain-" + text(r, 10).replace(" ", "") + "x", kwargs);
    }

    /** Truncates, flips a byte, inserts or drops a NUL, or appends noise. */
    private static byte[] mutate(Random r, byte[] b) {
        byte[] m = b.clone();
        switch (r.nextInt(5)) {
            case 0 -> m = Arrays.copyOf(m, r.nextInt(m.length + 1));
            case 1 -> {
                if (m.length > 0) {
                    m[r.nextInt(m.length)] = (byte) r.nextInt(256);
                }
            }
            case 2 -> {
                int at = r.nextInt(m.length + 1);
                byte[] n = new byte[m.length + 1];
                System.arraycopy(m, 0, n, 0, at);
                System.arraycopy(m, at, n, at + 1, m.length - at);
                m = n;
            }
            case 3 -> {
                List<Integer> nuls = new ArrayList<>();
                for (int i = 0; i < m.length; i++) {
                    if (m[i] == 0) {
                        nuls.add(i);
                    }
                }
                if (!nuls.isEmpty()) {
                    int at = nuls.get(r.nextInt(nuls.size()));
                    byte[] n = new byte[m.length - 1];
                    System.arraycopy(m, 0, n, 0, at);
                    System.arraycopy(m, at + 1, n, at, m.length - at - 1);
                    m = n;
                }
            }
            default -> {
                byte[] noise = new byte[1 + r.nextInt(20)];
                r.nextBytes(noise);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.writeBytes(m);
                out.writeBytes(noise);
                m = out.toByteArray();
            }
        }
        return m;
    }

    private static String text(Random r, int maxLength) {
        StringBuilder s = new StringBuilder();
        for (int n = r.nextInt(maxLength + 1); n > 0; n--) {
            s.append(r.nextInt(20) == 0 ? "é" : String.valueOf(ALPHABET.charAt(r.nextInt(ALPHABET.length()))));
        }
        return new String(s.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
