package dispool.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Where the running service is, found as the qrexec service script and the sleep hook find it:
 * the Unix socket when one is given (--socket, DISPOOL_SOCKET), else the URL when one is given
 * (--url, DISPOOL_URL), else the service's own socket {@value #SERVICE_SOCKET} when it exists,
 * else {@value #DEFAULT_URL}. Over TCP the bearer token comes from the token file when that
 * file exists.
 */
final class ServiceOptions {

    static final String DEFAULT_URL = "http://127.0.0.1:8080";
    static final String SERVICE_SOCKET = "/run/dispool/dispool.sock";

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:DISPOOL_URL}",
            description = "The service's HTTP address (env DISPOOL_URL). Default: the socket " + SERVICE_SOCKET
                    + " when it exists, else " + DEFAULT_URL + ".")
    String url;

    @Option(names = "--socket", paramLabel = "PATH", defaultValue = "${env:DISPOOL_SOCKET}",
            description = "The service's Unix socket, used instead of --url (env DISPOOL_SOCKET).")
    String socket;

    @Option(names = "--token-file", paramLabel = "FILE",
            defaultValue = "${env:DISPOOL_TOKEN_FILE:-${sys:user.home}/.config/dispool/api-token}",
            description = "The API token for --url, sent only to a loopback address (env DISPOOL_TOKEN_FILE,"
                    + " default ${DEFAULT-VALUE}).")
    Path tokenFile;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "How long to wait for the service to accept the connection. Default ${DEFAULT-VALUE}.")
    int connectSeconds;

    @Option(names = "--read-timeout", paramLabel = "SECONDS",
            description = "How long the service may stay silent before the call fails. Default: 30, and what the"
                    + " command needs when it waits for a cold start or a run.")
    Integer readSeconds;

    /** The service socket looked for when neither a socket nor a URL is given (a test points it elsewhere). */
    Path serviceSocket = Path.of(SERVICE_SOCKET);

    ServiceClient client() {
        Duration connect = Duration.ofSeconds(Math.max(1, connectSeconds));
        if (given(socket)) {
            return ServiceClient.unixSocket(socket, connect);
        }
        if (!given(url) && Files.exists(serviceSocket)) {
            return ServiceClient.unixSocket(serviceSocket.toString(), connect);
        }
        return ServiceClient.tcp(given(url) ? url : DEFAULT_URL, token(), connect);
    }

    /** The read timeout: the user's, else the command's own. */
    Duration readTimeout(Duration commandDefault) {
        return readSeconds == null ? commandDefault : Duration.ofSeconds(Math.max(1, readSeconds));
    }

    private static boolean given(String s) {
        return s != null && !s.isBlank();
    }

    /** The token, or null when the file does not exist (the service then answers 401 to say so). */
    private String token() {
        if (tokenFile == null || !Files.isRegularFile(tokenFile)) {
            return null;
        }
        try {
            String t = Files.readString(tokenFile).strip();
            return t.isEmpty() ? null : t;
        } catch (IOException e) {
            throw new ServiceClient.Unreachable("cannot read the API token " + tokenFile + " (" + e.getMessage()
                    + "): run as the user who owns it, or use the Unix socket (DISPOOL_SOCKET)");
        }
    }
}
