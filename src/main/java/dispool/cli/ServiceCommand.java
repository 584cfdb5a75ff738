package dispool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A {@code dispool} command that talks to the running service. Exit codes as qvm-* tools use them:
 * 0 done, 1 the service refused, cannot be reached or gave a reply that is not dispool's (the
 * reason on stderr, as {@code dispool COMMAND: ...}), 2 a usage error or a qube that does not
 * exist (qubesadmin's tools reject an unknown qube name as a usage error). Only the answer goes
 * to stdout, so {@code name=$(dispool handout)} gets the name and nothing else.
 */
abstract class ServiceCommand implements Callable<Integer> {

    static final int REFUSED = 1;
    static final int USAGE = 2;
    /** How long the service may stay silent on a call that does not wait for a qube. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    /** A hand-out may go cold: a boot, qrexec_timeout (60 s) for readiness, and the engine's wait for a preload. */
    static final Duration HAND_OUT_TIMEOUT = Duration.ofSeconds(180);

    @Mixin
    ServiceOptions service;

    @Spec
    CommandSpec spec;

    /** The refusal of a call: what the service said, and the exit code it maps to. */
    static final class Refused extends RuntimeException {
        final int exitCode;

        Refused(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    @Override
    public Integer call() {
        try {
            return run(service.client());
        } catch (ServiceClient.Failed e) {
            err().println("dispool " + spec.name() + ": " + e.getMessage());
            return REFUSED;
        } catch (Refused e) {
            err().println("dispool " + spec.name() + ": " + e.getMessage());
            return e.exitCode;
        }
    }

    /** Runs the command against the service; returns the exit code. */
    abstract int run(ServiceClient client);

    /** How long this command lets the service work on a call before it gives up (--read-timeout overrides). */
    Duration readTimeout() {
        return READ_TIMEOUT;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Calls the service and returns its JSON answer; a status other than 2xx becomes {@link Refused}. */
    JsonNode expect(ServiceClient client, String method, String path, JsonNode body) {
        ServiceClient.Reply r = client.call(method, path, body == null ? null : JsonText.write(body),
                service.readTimeout(readTimeout()));
        if (r.status() / 100 != 2) {
            throw refusal(client, r);
        }
        if (r.body().isBlank()) {
            return JsonText.NODES.nullNode();
        }
        try {
            return JsonText.read(r.body());
        } catch (java.io.IOException e) {
            throw new ServiceClient.Failed("the service at " + client.where() + " answered " + r.status()
                    + " with a body that is not JSON: " + shorten(r.body()));
        }
    }

    /** A field the service always sends; a reply without it is not dispool's. */
    static JsonNode field(JsonNode node, String name) {
        JsonNode v = node == null ? null : node.get(name);
        if (v == null) {
            throw new ServiceClient.Failed("the service's reply has no \"" + name + "\" in " + text(node)
                    + ": is this a dispool service of the same version?");
        }
        return v;
    }

    /** The reply as a JSON array, or a failure saying it is not one. */
    static JsonNode array(JsonNode node) {
        if (node == null || !node.isArray()) {
            throw new ServiceClient.Failed("the service answered " + text(node) + " where a list was expected");
        }
        return node;
    }

    private static String text(JsonNode node) {
        return node == null ? "nothing" : shorten(JsonText.write(node));
    }

    static String shorten(String s) {
        String line = s.strip().replaceAll("\\s+", " ");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    static ObjectNode object() {
        return JsonText.NODES.objectNode();
    }

    /** The service's own message (its error JSON), with what to do for the statuses a user can fix. */
    Refused refusal(ServiceClient client, ServiceClient.Reply r) {
        String message = serviceMessage(r);
        return switch (r.status()) {
            case 401 -> new Refused((client.sendsToken() ? "the API token was refused"
                    : "no API token was sent (no token file " + service.tokenFile + ")")
                    + " (" + message + "): use the token in the file the service created (--token-file, env"
                    + " DISPOOL_TOKEN_FILE) or its Unix socket (--socket, env DISPOOL_SOCKET)", REFUSED);
            case 403 -> new Refused("forbidden: " + message, REFUSED);
            case 404 -> new Refused(message, USAGE);
            case 429 -> new Refused("busy: " + message
                    + (r.headers().containsKey("retry-after") ? " (retry in " + r.headers().get("retry-after") + " s)" : ""),
                    REFUSED);
            default -> new Refused(message, REFUSED);
        };
    }

    private static String serviceMessage(ServiceClient.Reply r) {
        try {
            JsonNode e = JsonText.read(r.body());
            if (e != null && e.hasNonNull("message")) {
                return e.get("message").asText();
            }
        } catch (java.io.IOException notJson) {
            // falls through to the raw body: the status and text still say what happened
        }
        String body = r.body().strip();
        return "HTTP " + r.status() + (body.isEmpty() ? "" : ": " + body);
    }
}
