package dispool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The fixed script that trains the client's class-data archive: every command that calls a
 * service calls the training one in the same JVM, never the service the environment names
 * (training a {@code set} or {@code drain} on a real service would change it), and training
 * prints nothing and leaves nothing behind.
 */
class ArchiveTrainingTest {

    @Test
    void everyServiceCommandOfTheScriptCallsTheTrainingSocket() {
        Path socket = Path.of("training.sock");
        PrintWriter none = new PrintWriter(Writer.nullWriter());
        for (List<String> script : ArchiveTraining.SERVICE_SCRIPT) {
            String[] args = ArchiveTraining.withSocket(script, socket).toArray(String[]::new);
            CommandLine.ParseResult parsed = ClientMain.commandLine(none, none, args).parseArgs(args);
            ServiceCommand command = (ServiceCommand) parsed.subcommand().commandSpec().userObject();
            assertEquals(socket.toString(), command.service.socket, String.join(" ", script));
        }
    }

    @Test
    void theScriptCoversTheEverydayCommands() {
        List<String> trained = Stream.concat(ArchiveTraining.SERVICE_SCRIPT.stream(), ArchiveTraining.LOCAL_SCRIPT.stream())
                .filter(s -> !s.isEmpty()).map(s -> s.get(0)).toList();
        assertTrue(trained.containsAll(List.of("ls", "get", "set", "unset", "handout", "rm", "drain", "refill", "--version")),
                trained.toString());
    }

    @Test
    void trainingCallsItsOwnServicePrintsNothingAndLeavesNoSocket() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = trainingDirs(tmp);
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<String> requests;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            requests = ArchiveTraining.train();
        } finally {
            System.setOut(stdout);
        }
        assertEquals("", printed.toString(StandardCharsets.UTF_8), "the caller's stdout is its command's answer only");
        assertTrue(requests.contains("GET /api/v1/pools HTTP/1.1"), requests.toString());
        assertTrue(requests.contains("POST /api/v1/pools/default-dvm/dispvms HTTP/1.1"), requests.toString());
        assertTrue(requests.size() >= ArchiveTraining.SERVICE_SCRIPT.size(), "a call or more per command: " + requests);
        assertEquals(before, trainingDirs(tmp), "the training socket's directory is removed");
    }

    private static List<Path> trainingDirs(Path tmp) throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().startsWith("dispool-training")).sorted().toList();
        }
    }
}
