package dispool.host.qubesd.wire;

import java.util.List;

/**
 * Python's {@code format % args} for the conversions qubesd messages use ({@code %s}, {@code %d},
 * {@code %r}, {@code %%}). A mismatch between placeholders and args never throws: leftover args
 * are appended, missing ones leave the placeholder, so an odd message still reaches the log.
 */
final class PyFormat {

    private PyFormat() {
    }

    static String apply(String format, List<String> args) {
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            char conv = i + 1 < format.length() ? format.charAt(i + 1) : 0;
            if (c == '%' && conv == '%') {
                out.append('%');
                i++;
            } else if (c == '%' && (conv == 's' || conv == 'd' || conv == 'r') && next < args.size()) {
                String a = args.get(next++);
                out.append(conv == 'r' ? "'" + a + "'" : a);
                i++;
            } else {
                out.append(c);
            }
        }
        for (; next < args.size(); next++) {
            out.append(next == 0 ? ": " : ", ").append(args.get(next));
        }
        return out.toString();
    }
}
