package dispool.host.qubesd.wire;

import dispool.host.QubeNames;
import dispool.host.QubesException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * One Admin API call as qubesd reads it from its socket:
 * {@code <method>+<arg> <source> name <dest>\x00<payload>}, then the caller half-closes.
 *
 * <p>Everything is checked before it can reach the wire: the method and argument use only the
 * characters qrexec allows in a service name, source and dest follow Qubes' name rule, and the
 * whole request fits qubesd's 64 KiB limit (a larger one is dropped without a reply).
 *
 * @param method  for example {@code admin.vm.feature.Set}
 * @param arg     the part after {@code +}; empty for none
 * @param source  the calling qube ({@code dom0} from dom0)
 * @param dest    the qube the call is about, {@code dom0} for global calls
 * @param payload raw bytes after the NUL (may be empty, may hold NULs)
 */
public record AdminCall(String method, String arg, String source, String dest, byte[] payload) {

    /** qubesd aborts longer requests (header + NUL + payload) without a reply. */
    public static final int MAX_REQUEST_BYTES = 65_536;

    private static final Pattern METHOD = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern ARG = Pattern.compile("[A-Za-z0-9_.+-]*");

    public AdminCall {
        arg = arg == null ? "" : arg;
        payload = payload == null ? new byte[0] : payload.clone();
        if (!METHOD.matcher(method).matches()) {
            throw new QubesException(QubesException.VALUE_ERROR, "Admin API method '" + method
                    + "' refused: only letters, digits, '_', '.' and '-' are allowed");
        }
        if (!ARG.matcher(arg).matches()) {
            throw new QubesException(QubesException.VALUE_ERROR, method + ": argument '" + arg
                    + "' refused: only letters, digits, '_', '.', '+' and '-' are allowed in a qrexec service argument");
        }
        checkName(method, "source", source);
        checkName(method, "dest", dest);
    }

    /** A call from dom0 with a text payload (ASCII, as every Admin API payload dispool sends). */
    public static AdminCall of(String method, String arg, String dest, String payload) {
        return new AdminCall(method, arg, "dom0", dest, payload.getBytes(StandardCharsets.UTF_8));
    }

    private static void checkName(String method, String role, String name) {
        String problem = QubeNames.problem(name);
        if (problem != null) {
            throw new QubesException(QubesException.VALUE_ERROR, method + ": " + role + " '" + name
                    + "' is not a qube name: " + problem);
        }
    }

    /** {@code method+arg}, the service name qrexec sees. */
    public String service() {
        return method + "+" + arg;
    }

    /** The request bytes; throws when they exceed {@link #MAX_REQUEST_BYTES}. */
    public byte[] encode() {
        byte[] header = (service() + " " + source + " name " + dest).getBytes(StandardCharsets.US_ASCII);
        int size = header.length + 1 + payload.length;
        if (size > MAX_REQUEST_BYTES) {
            throw new QubesException(QubesException.VALUE_ERROR, describe() + ": request of " + size
                    + " bytes refused: qubesd accepts at most " + MAX_REQUEST_BYTES + " bytes (header and payload)");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.writeBytes(header);
        out.write(0);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /**
     * Reads a request as qubesd does (the server side, used by the emulator): header up to the
     * first NUL, split on the first three spaces, {@code keyword adminvm} meaning {@code name dom0}.
     * Throws {@link WireException} on any framing error; qubesd then drops the call.
     */
    public static AdminCall decode(byte[] request) {
        if (request.length > MAX_REQUEST_BYTES) {
            throw new WireException("request too long: " + request.length + " bytes, limit " + MAX_REQUEST_BYTES);
        }
        int nul = indexOf(request, 0);
        if (nul < 0) {
            throw new WireException("request without the NUL that ends its header");
        }
        String header = new String(request, 0, nul, StandardCharsets.US_ASCII);
        String[] f = header.split(" ", 4);
        if (f.length < 4 || f[3].contains(" ")) {
            throw new WireException("request header '" + header + "' must have 4 space-separated fields");
        }
        String dest = f[3];
        if (f[2].equals("keyword") && f[3].equals("adminvm")) {
            dest = "dom0";
        } else if (!f[2].equals("name")) {
            throw new WireException("request header '" + header + "': destination type must be 'name'");
        }
        int plus = f[0].indexOf('+');
        String method = plus < 0 ? f[0] : f[0].substring(0, plus);
        String arg = plus < 0 ? "" : f[0].substring(plus + 1);
        try {
            return new AdminCall(method, arg, f[1], dest, Arrays.copyOfRange(request, nul + 1, request.length));
        } catch (QubesException e) {
            throw new WireException(e.getMessage());
        }
    }

    /** The payload as text (Admin API payloads are ASCII). */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** {@code admin.vm.Start on disp7}: how errors name a call. */
    public String describe() {
        return service() + " on " + dest;
    }

    static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdminCall c && method.equals(c.method) && arg.equals(c.arg) && source.equals(c.source)
                && dest.equals(c.dest) && Arrays.equals(payload, c.payload);
    }

    @Override
    public int hashCode() {
        return 31 * (method + arg + source + dest).hashCode() + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "AdminCall[" + describe() + ", " + payload.length + " payload bytes]";
    }
}
