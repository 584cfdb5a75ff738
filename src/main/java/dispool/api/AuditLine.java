package dispool.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * One audit line, written field by field with Jackson's streaming generator into a buffer each
 * thread reuses: the same bytes as building an {@code ObjectNode} and printing it, without the
 * tree, the mapper's serializer instance and their copies on every audited call (they were more
 * than half of Jackson's share of the REST hand-out path's CPU). A writer, not UTF-8 bytes, so that
 * text is escaped exactly as {@code ObjectNode.toString()} escapes it.
 */
final class AuditLine {

    /** No separator between root values: one generator per thread writes every line that thread audits. */
    private static final JsonFactory JSON = new JsonFactory().setRootValueSeparator(null);
    private static final ThreadLocal<AuditLine> BUFFERS = ThreadLocal.withInitial(AuditLine::new);

    private final StringWriter text = new StringWriter(512);
    private JsonGenerator out;

    private AuditLine() {
    }

    /** A line of the audit file for one call: who called, how, what on, and what it answered. */
    static String call(String method, String path, int status, Caller caller, String who, Object qube, Object change,
            Object error) {
        AuditLine l = BUFFERS.get().begin();
        l.field("time", Instant.now().toString());
        l.field("who", who);
        l.field("via", caller.socket() ? "socket" : "tcp");
        if (caller.pid() != null) {
            l.number("pid", caller.pid());
        }
        if (!caller.socket()) {
            l.field("from", caller.address());
        }
        l.field("method", method);
        l.field("path", path);
        l.fieldIfSet("template", AuditLog.templateOf(path));
        l.fieldIfSet("qube", qube != null ? qube : AuditLog.qubeOf(path));
        l.fieldIfSet("change", change);
        l.number("status", status);
        l.fieldIfSet("error", error);
        return l.end();
    }

    /** The line that counts a peer's refusals beyond the per-minute limit, which were not written. */
    static String summary(String peer, long sinceMs, long notWritten, String note) {
        AuditLine l = BUFFERS.get().begin();
        l.field("time", Instant.now().toString());
        l.field("peer", peer);
        l.field("since", Instant.ofEpochMilli(sinceMs).toString());
        l.number("notWritten", notWritten);
        l.field("note", note);
        return l.end();
    }

    private AuditLine begin() {
        text.getBuffer().setLength(0);
        try {
            // a line left half-written (a field's toString threw) must not spoil the thread's next line
            if (out == null || !out.getOutputContext().inRoot()) {
                out = JSON.createGenerator(text);
            }
            out.writeStartObject();
        } catch (IOException e) {
            throw unexpected(e);
        }
        return this;
    }

    private String end() {
        try {
            out.writeEndObject();
            out.flush();
        } catch (IOException e) {
            throw unexpected(e);
        }
        return text.toString();
    }

    private void field(String name, String value) {
        try {
            out.writeStringField(name, value);
        } catch (IOException e) {
            throw unexpected(e);
        }
    }

    private void fieldIfSet(String name, Object value) {
        if (value != null) {
            field(name, value.toString());
        }
    }

    private void number(String name, long value) {
        try {
            out.writeNumberField(name, value);
        } catch (IOException e) {
            throw unexpected(e);
        }
    }

    private static UncheckedIOException unexpected(IOException e) {
        return new UncheckedIOException("writing an audit line into memory failed: " + e.getMessage(), e);
    }
}
