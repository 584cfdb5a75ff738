package dispool.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 reply read from raw bytes, strictly: anything that is not one (no status line, a
 * status that is no number, a body shorter than its Content-Length, a broken chunk) is a
 * {@link ServiceClient.Failed} naming what was wrong, never an exception from deep inside.
 */
final class HttpReply {

    private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] ([1-5][0-9][0-9])(?: .*)?");

    private HttpReply() {
    }

    /** Whether {@code raw} holds a whole reply already: headers, and the Content-Length bytes after them. */
    static boolean complete(byte[] raw) {
        int end = indexOf(raw, HEAD_END, 0);
        if (end < 0) {
            return false;
        }
        String length = headers(raw, end).get("content-length");
        return length != null && length.matches("[0-9]{1,9}") && raw.length - end - 4 >= Integer.parseInt(length);
    }

    static ServiceClient.Reply parse(byte[] raw, String where) {
        int end = indexOf(raw, HEAD_END, 0);
        if (end < 0) {
            throw bad(where, raw.length == 0 ? "closed the connection without a reply" : "sent no complete HTTP header", raw);
        }
        String statusLine = new String(raw, 0, Math.max(0, indexOf(raw, CRLF, 0)), StandardCharsets.ISO_8859_1);
        Matcher m = STATUS.matcher(statusLine);
        if (!m.matches()) {
            throw bad(where, "answered with '" + shorten(statusLine) + "', not an HTTP/1.1 status line", raw);
        }
        Map<String, String> headers = headers(raw, end);
        byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body, where);
        } else if (headers.containsKey("content-length")) {
            body = bounded(body, headers.get("content-length"), where);
        }
        return new ServiceClient.Reply(Integer.parseInt(m.group(1)), headers, new String(body, StandardCharsets.UTF_8));
    }

    private static Map<String, String> headers(byte[] raw, int end) {
        String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return headers;
    }

    private static byte[] bounded(byte[] body, String length, String where) {
        if (!length.matches("[0-9]{1,9}")) {
            throw bad(where, "sent Content-Length '" + shorten(length) + "', not a byte count", body);
        }
        int n = Integer.parseInt(length);
        if (body.length < n) {
            throw bad(where, "closed the connection after " + body.length + " of the " + n + " bytes it announced", body);
        }
        return Arrays.copyOf(body, n);
    }

    /** Transfer-Encoding: chunked — hex size line, data, CRLF, until a zero size. */
    private static byte[] dechunk(byte[] in, String where) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (true) {
            int eol = indexOf(in, CRLF, pos);
            String sizeLine = eol < 0 ? "" : new String(in, pos, eol - pos, StandardCharsets.ISO_8859_1).split(";", 2)[0].trim();
            if (!sizeLine.matches("[0-9A-Fa-f]{1,7}")) {
                throw bad(where, "sent a broken chunked body (chunk size '" + shorten(sizeLine) + "')", in);
            }
            int size = Integer.parseInt(sizeLine, 16);
            if (size == 0) {
                return out.toByteArray();
            }
            if (eol + 2 + size > in.length) {
                throw bad(where, "closed the connection inside a chunk of " + size + " bytes", in);
            }
            out.write(in, eol + 2, size);
            pos = eol + 2 + size + 2;
        }
    }

    private static ServiceClient.Failed bad(String where, String what, byte[] raw) {
        return new ServiceClient.Failed("the service at " + where + " " + what + " (" + raw.length
                + " bytes read): is this a dispool service?");
    }

    private static String shorten(String s) {
        String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 60 ? printable.substring(0, 60) + "..." : printable;
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
