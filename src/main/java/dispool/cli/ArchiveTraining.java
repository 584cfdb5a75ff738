package dispool.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client's first run when it has no class-data archive yet: deploy/dispool starts this class
 * with {@code -XX:ArchiveClassesAtExit}, so the archive holds what this JVM loaded. It runs a
 * fixed script of the everyday commands first, then the caller's own command as {@link ClientMain}
 * does. Without the script the archive held only what the first command happened to load, and
 * every other command read the rest of its classes from the jars on every call.
 *
 * <p>The script's commands call a training service in this JVM, on a Unix socket of their own
 * ({@code --socket}, which wins over DISPOOL_SOCKET and --url): training never reaches a real
 * service, so {@code set}, {@code handout} or {@code drain} change nothing. The service answers
 * every request with the same JSON of strings, numbers, nulls and lists, which the commands read
 * as far as they get (a missing field ends one as a refusal, which trains that path too).
 */
public final class ArchiveTraining {

    /** The everyday commands, each with every argument but {@code --socket}, which {@link #withSocket} adds. */
    static final List<List<String>> SERVICE_SCRIPT = List.of(
            List.of("ls"), List.of("ls", "--format", "json"), List.of("ls", "--raw-list"),
            List.of("get", "default-dvm"), List.of("get", "dom0", "preload-dispvm-threshold"),
            List.of("set", "default-dvm", "preload-dispvm-max", "1"), List.of("unset", "default-dvm", "max"),
            List.of("handout", "default-dvm"), List.of("rm", "disp1"), List.of("drain"), List.of("refill"));

    /** What the script runs with no service at all: the usage (every command's model), the version, a help. */
    static final List<List<String>> LOCAL_SCRIPT = List.of(List.of(), List.of("--version"), List.of("ls", "--help"),
            List.of("get", "--bad-option"));

    private static final String POOL = "{\"template\":\"default-dvm\",\"name\":\"disp1\",\"max\":1,\"maxSource\":\"LOCAL\","
            + "\"ready\":1,\"starting\":0,\"memoryMiB\":400.5,\"lastFailure\":null,\"pools\":1,\"preloaded\":true,"
            + "\"preloads\":[{\"name\":\"disp1\",\"state\":\"READY\"}]}";

    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *([0-9]{1,6})\r\n");

    private ArchiveTraining() {
    }

    public static void main(String[] args) {
        train();
        ClientMain.main(args);
    }

    /**
     * Runs the script; what it prints goes nowhere, and a failure of training never stops the
     * caller's command. Returns the request lines the training service answered.
     */
    static List<String> train() {
        List<String> requests = Collections.synchronizedList(new ArrayList<>());
        PrintWriter none = new PrintWriter(Writer.nullWriter());
        LOCAL_SCRIPT.forEach(args -> run(none, args));
        Path dir = null;
        try {
            dir = Files.createTempDirectory("dispool-training");
            Path socket = dir.resolve("s");
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                server.bind(UnixDomainSocketAddress.of(socket));
                Thread answering = new Thread(() -> answer(server, requests), "archive-training-service");
                answering.setDaemon(true);
                answering.start();
                SERVICE_SCRIPT.forEach(args -> run(none, withSocket(args, socket)));
            }
        } catch (IOException | UncheckedIOException e) {
            // no socket here (no temporary directory, no AF_UNIX): the archive then lacks the HTTP path's classes
        } finally {
            deleteQuietly(dir);
        }
        return List.copyOf(requests);
    }

    private static void run(PrintWriter none, List<String> args) {
        String[] a = args.toArray(new String[0]);
        ClientMain.commandLine(none, none, a).execute(a);
    }

    /** The command with {@code --socket} after its name: its options are the subcommand's. */
    static List<String> withSocket(List<String> args, Path socket) {
        List<String> a = new ArrayList<>(args);
        a.addAll(1, List.of("--socket", socket.toString()));
        return a;
    }

    /** The training service: one reply per connection, until the script is done and the socket closes. */
    private static void answer(ServerSocketChannel server, List<String> requests) {
        byte[] body = ("[" + POOL + "]").getBytes(StandardCharsets.UTF_8);
        byte[] object = POOL.getBytes(StandardCharsets.UTF_8);
        while (server.isOpen()) {
            try (SocketChannel ch = server.accept()) {
                String requestLine = readRequest(Channels.newInputStream(ch));
                requests.add(requestLine);
                byte[] reply = requestLine.startsWith("GET /api/v1/pools ") ? body : object;
                OutputStream out = Channels.newOutputStream(ch);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + reply.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(reply);
            } catch (IOException closed) {
                return;
            }
        }
    }

    /**
     * The request's first line, after reading the whole request: a socket closed with bytes unread
     * resets the connection, and the client would see that instead of the reply.
     */
    private static String readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while (head.indexOf("\r\n\r\n") < 0 && (c = in.read()) >= 0) {
            head.append((char) c);
        }
        Matcher length = CONTENT_LENGTH.matcher(head);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
        return head.substring(0, Math.max(0, head.indexOf("\r\n")));
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary directory left behind costs nothing and is the system's to clean
        }
    }
}
