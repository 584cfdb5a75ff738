package dispool.host.qubesd.wire;

import dispool.host.HostEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the {@code admin.Events} stream incrementally, frame by frame, from whatever chunks the
 * socket delivers:
 * <pre>
 *   "1" NUL  SUBJECT NUL  EVENT NUL  (KEY NUL VALUE NUL)*  NUL
 * </pre>
 * An empty key ends the frame; the subject is empty for events of the host itself. Feed it bytes
 * with {@link #feed}; it returns the frames completed so far and keeps the rest. A frame that
 * does not start with {@code 1\x00}, or grows past {@link #MAX_FRAME_BYTES}, makes it throw
 * {@link WireException}: the caller drops the connection and reconnects. One parser per
 * connection; not thread-safe.
 */
public final class EventFrameParser {

    /** No real event comes near this; a longer frame means the stream is garbage. */
    public static final int MAX_FRAME_BYTES = 1 << 20;

    private final List<String> fields = new ArrayList<>();
    private final ByteArrayOutputStream field = new ByteArrayOutputStream();
    private int frameBytes;

    /** Parses {@code len} bytes of {@code buf} from {@code off}; returns the frames they completed. */
    public List<HostEvent> feed(byte[] buf, int off, int len) {
        List<HostEvent> done = new ArrayList<>();
        for (int i = off; i < off + len; i++) {
            if (++frameBytes > MAX_FRAME_BYTES) {
                throw new WireException("event frame longer than " + MAX_FRAME_BYTES + " bytes: the stream is not admin.Events");
            }
            if (buf[i] != 0) {
                field.write(buf[i]);
                continue;
            }
            HostEvent e = endField();
            if (e != null) {
                done.add(e);
            }
        }
        return done;
    }

    /** True when bytes of an unfinished frame are buffered (an EOF now cut a frame). */
    public boolean midFrame() {
        return frameBytes > 0;
    }

    private HostEvent endField() {
        String f = new String(field.toByteArray(), StandardCharsets.UTF_8);
        field.reset();
        if (fields.isEmpty() && !f.equals("1")) {
            throw new WireException("event frame must start with 1 and NUL, got '" + abbreviate(f) + "'");
        }
        // An empty key ends the frame: fields are [1, subject, event, k1, v1, ...], so a key sits
        // at an odd index from 3 on.
        if (f.isEmpty() && fields.size() >= 3 && fields.size() % 2 == 1) {
            HostEvent e = toEvent();
            fields.clear();
            frameBytes = 0;
            return e;
        }
        fields.add(f);
        return null;
    }

    private HostEvent toEvent() {
        if (fields.get(2).isEmpty()) {
            throw new WireException("event frame without an event name (subject '" + abbreviate(fields.get(1)) + "')");
        }
        Map<String, String> kwargs = new LinkedHashMap<>();
        for (int i = 3; i + 1 < fields.size(); i += 2) {
            kwargs.put(fields.get(i), fields.get(i + 1));
        }
        return new HostEvent(fields.get(1), fields.get(2), kwargs);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    /** One frame in the wire format (the server side, used by the emulator). */
    public static byte[] encode(HostEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        put(out, "1");
        put(out, e.subject());
        put(out, e.name());
        e.kwargs().forEach((k, v) -> {
            put(out, k);
            put(out, v == null ? "None" : v);
        });
        out.write(0);
        return out.toByteArray();
    }

    private static void put(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }
}
