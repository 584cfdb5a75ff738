package dispool.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A request path means what it says before and after decoding, or it is refused (400) before any
 * route sees it: a percent-encoded {@code /}, {@code \}, {@code .} or {@code ..} segment would be
 * read as one path by the router and as another by the resource that decodes its parameters
 * ({@code DELETE /api/v1/dispvms/%2e%2e/pools/T} reached the pool route of T). Literal dot
 * segments are refused too: no client of the API sends them.
 */
final class PathRule {

    private PathRule() {
    }

    /** Why the raw request URI {@code uri} is refused, or null when its path is plain. */
    static ApiError refusal(String uri) {
        String raw = uri == null ? "" : uri;
        int query = raw.indexOf('?');
        String path = query < 0 ? raw : raw.substring(0, query);
        if (path.indexOf('%') < 0 && path.indexOf('\\') < 0 && !path.contains("/.") && !path.startsWith(".")) {
            return null; // nothing encoded and no segment begins with a dot: every request of a client, at no cost
        }
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("%2e") || lower.contains("%25")
                || lower.contains("\\")) {
            return refused(path, "it encodes '/', '\\', '.' or '%', which would change its meaning once decoded");
        }
        for (String segment : path.split("/", -1)) {
            String decoded;
            try {
                decoded = URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return refused(path, "it holds a broken percent-encoding");
            }
            if (decoded.equals(".") || decoded.equals("..")) {
                return refused(path, "it holds a '.' or '..' segment");
            }
        }
        return null;
    }

    private static ApiError refused(String path, String why) {
        String shown = path.length() > 200 ? path.substring(0, 200) + "…" : path;
        return new ApiError(ErrorCode.INVALID_INPUT, "path '" + shown + "' refused: " + why + "; call the API with "
                + "plain paths (/api/v1/pools/TEMPLATE, /api/v1/dispvms/NAME)", "path", shown,
                "no '.' or '..' segments and no encoded '/', '\\\\', '.' or '%'");
    }
}
