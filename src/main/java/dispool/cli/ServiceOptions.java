package dispool.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the running service is (contract 4): the Unix socket when one is given, else the URL with
 * the bearer token from the token file when that file exists. Each option defaults to its
 * environment variable, so scripts and tests can use either.
 */
final class ServiceOptions {

    static final String DEFAULT_URL = "http://127.0.0.1:8080";

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:DISPOOL_URL:-" + DEFAULT_URL + "}",
            description = "The service's HTTP address (env DISPOOL_URL, default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--socket", paramLabel = "PATH", defaultValue = "${env:DISPOOL_SOCKET}",
            description = "The service's Unix socket, used instead of --url (env DISPOOL_SOCKET).")
    String socket;

    @Option(names = "--token-file", paramLabel = "FILE",
            defaultValue = "${env:DISPOOL_TOKEN_FILE:-${sys:user.home}/.config/dispool/api-token}",
            description = "The API token for --url (env DISPOOL_TOKEN_FILE, default ${DEFAULT-VALUE}).")
    Path tokenFile;

    ServiceClient client() {
        if (socket != null && !socket.isBlank()) {
            return ServiceClient.unixSocket(socket);
        }
        return ServiceClient.tcp(url, token());
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
