package dispool.host.qubesd.wire;

import dispool.host.QubesException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * qubesd's reply to one call, decoded like the Python client does ({@code qubesadmin/base.py}):
 * <ul>
 * <li>{@code 0\x00VALUE}: success, the value is UTF-8 text (may be empty);</li>
 * <li>{@code 2\x00TYPE\x00TRACEBACK\x00MESSAGE\x00[ARG\x00]*}: a Qubes exception, thrown as a
 *     {@link QubesException} that keeps Qubes' type name and message (printf-style args are
 *     applied only when present, so a literal {@code %} in a message stays as it is);</li>
 * <li>no bytes at all: qubesd refused or dropped the call (a protocol error, a permission veto
 *     or a crash of the handler: its journal says which);</li>
 * <li>anything else: {@link WireException}.</li>
 * </ul>
 * Pure functions, no I/O: the transports hand over the bytes they read to EOF.
 */
public final class Reply {

    /** Type of the error an empty reply becomes (the Python client's name). */
    public static final String NO_RESPONSE = "QubesDaemonNoResponseError";

    private static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,99}");

    private Reply() {
    }

    /** The value of a successful reply to {@code call}; throws what the reply says went wrong. */
    public static String decode(byte[] reply, AdminCall call) {
        return decode(reply, call.describe());
    }

    /** As {@link #decode(byte[], AdminCall)}; {@code what} names the call in errors. */
    public static String decode(byte[] reply, String what) {
        if (reply.length == 0) {
            throw new QubesException(NO_RESPONSE, "qubesd refused or dropped the call " + what
                    + " (empty reply): a bad argument, a permission veto or an internal error; see journalctl -u qubesd in dom0");
        }
        if (reply.length < 2 || reply[1] != 0) {
            throw new WireException("Invalid response format to " + what + ": it must start with a digit and NUL, got "
                    + preview(reply));
        }
        switch (reply[0]) {
            case '0':
                return utf8(reply, 2, reply.length - 2, what);
            case '2':
                throw exception(reply, what);
            default:
                throw new WireException("Invalid response format to " + what + ": unknown reply type '"
                        + (char) (reply[0] & 0xff) + "' (" + preview(reply) + ")");
        }
    }

    private static QubesException exception(byte[] reply, String what) {
        List<byte[]> fields = split(reply, 2);
        if (fields.size() < 4) {
            throw new WireException("Invalid response format to " + what + ": truncated exception " + preview(reply)
                    + " (expected TYPE, TRACEBACK and MESSAGE, each ended by NUL)");
        }
        String type = new String(fields.get(0), StandardCharsets.US_ASCII);
        if (!TYPE_NAME.matcher(type).matches()) {
            throw new WireException("Invalid response format to " + what + ": exception type is not a name: "
                    + preview(fields.get(0)));
        }
        String format = new String(fields.get(2), StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>();
        for (int i = 3; i < fields.size() - 1; i++) {
            args.add(new String(fields.get(i), StandardCharsets.UTF_8));
        }
        return new QubesException(type, args.isEmpty() ? format : PyFormat.apply(format, args));
    }

    /** Splits {@code b} from {@code from} at each NUL; the part after the last NUL comes last. */
    static List<byte[]> split(byte[] b, int from) {
        List<byte[]> out = new ArrayList<>();
        int start = from;
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                out.add(Arrays.copyOfRange(b, start, i));
                start = i + 1;
            }
        }
        out.add(Arrays.copyOfRange(b, start, b.length));
        return out;
    }

    static String utf8(byte[] b, int off, int len, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, len)).toString();
        } catch (CharacterCodingException e) {
            throw new WireException("Invalid response format to " + what + ": the value is not UTF-8 ("
                    + preview(Arrays.copyOfRange(b, off, off + len)) + ")");
        }
    }

    /** The first bytes, printable, for error messages. */
    static String preview(byte[] b) {
        StringBuilder s = new StringBuilder("b\"");
        for (int i = 0; i < Math.min(b.length, 60); i++) {
            int c = b[i] & 0xff;
            s.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return s.append(b.length > 60 ? "\"… (" + b.length + " bytes)" : "\"").toString();
    }

    // ---------------------------------------------------------------- the server side (emulator)

    /** {@code 0\x00VALUE}. */
    public static byte[] value(String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('0');
        out.write(0);
        out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** {@code 2\x00TYPE\x00\x00MESSAGE\x00}: an exception without traceback, as qubesd without --debug. */
    public static byte[] exception(String type, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('2');
        out.write(0);
        out.writeBytes(type.getBytes(StandardCharsets.US_ASCII));
        out.write(0);
        out.write(0);
        out.writeBytes(message.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        return out.toByteArray();
    }
}
