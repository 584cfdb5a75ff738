package dispool.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reads the service's server-sent events ({@code GET /api/v1/events}) as they come: the reply's
 * status line and headers, then its body (chunked, as the service streams it, or plain until the
 * connection ends), cut into events at blank lines; each event's {@code data:} lines, joined, go
 * to the consumer. It returns when the service ends the stream; a reply other than 200 is a
 * {@link ServiceClient.Failed} with the status and the body's first line.
 */
final class EventStream {

    private final InputStream in;
    private final String where;
    private boolean chunked;
    private long chunkLeft;
    private boolean ended;

    EventStream(InputStream in, String where) {
        this.in = in;
        this.where = where;
    }

    /** Reads events until the stream ends; each event's data to {@code events}. */
    void read(Consumer<String> events) throws IOException {
        head();
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = bodyLine()) != null) {
            if (line.isEmpty()) {
                if (data.length() > 0) {
                    events.accept(data.toString());
                    data.setLength(0);
                }
            } else if (line.startsWith("data:")) {
                data.append(data.length() > 0 ? "\n" : "").append(line.substring(line.startsWith("data: ") ? 6 : 5));
            }
        }
    }

    private void head() throws IOException {
        String status = rawLine();
        if (status == null || !status.matches("HTTP/1\\.[01] [0-9]{3}.*")) {
            throw new ServiceCommand.Refused("the service at " + where + " answered the event stream with '"
                    + (status == null ? "nothing" : status) + "', not HTTP: is this a dispool service?", ServiceCommand.REFUSED);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        String line;
        while ((line = rawLine()) != null && !line.isEmpty()) {
            String lower = line.toLowerCase(Locale.ROOT);
            chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
        }
        if (code != 200) {
            String first = bodyLine();
            throw new ServiceCommand.Refused("the service at " + where + " refused the event stream: HTTP " + code
                    + (first == null || first.isBlank() ? "" : ": " + first)
                    + (code == 401 ? " (give the API token: --token-file, or the Unix socket: --socket)" : ""), ServiceCommand.REFUSED);
        }
    }

    /** One line of the body (CR LF or LF ends it), null at its end. */
    private String bodyLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = bodyByte()) >= 0) {
            if (b == '\n') {
                return strip(line);
            }
            line.write(b);
        }
        return line.size() > 0 ? strip(line) : null;
    }

    private int bodyByte() throws IOException {
        if (!chunked) {
            return in.read();
        }
        if (ended) {
            return -1;
        }
        if (chunkLeft == 0) {
            String size = rawLine();
            if (size != null && size.isEmpty()) {
                size = rawLine(); // the CR LF that closes the chunk before
            }
            if (size == null || !size.split(";", 2)[0].trim().matches("[0-9A-Fa-f]{1,8}")) {
                ended = true;
                return -1;
            }
            chunkLeft = Long.parseLong(size.split(";", 2)[0].trim(), 16);
            if (chunkLeft == 0) {
                ended = true;
                return -1;
            }
        }
        int b = in.read();
        chunkLeft--;
        return b;
    }

    /** A line of the raw connection (the head, a chunk's size), null at its end. */
    private String rawLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return strip(line);
            }
            line.write(b);
        }
        return line.size() > 0 ? strip(line) : null;
    }

    private static String strip(ByteArrayOutputStream line) {
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
