package dispool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The client builds picocli's model only of what a call needs: every command's model costs
 * start time, so the called command gets only its own, the version none, and the usage, a
 * mistyped name or a completion script all of them.
 */
class ClientMainTest {

    private static CommandLine commandLine(StringWriter out, String... args) {
        return ClientMain.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), args);
    }

    @Test
    void theCalledCommandGetsOnlyItsOwnModel() {
        assertEquals(List.of("ls"), List.copyOf(commandLine(new StringWriter(), "ls").getSubcommands().keySet()));
        assertEquals(List.of("handout"),
                List.copyOf(commandLine(new StringWriter(), "handout", "web-dvm").getSubcommands().keySet()));
    }

    @Test
    void theVersionNeedsNoCommandAndStillAnswers() {
        for (String flag : List.of("--version", "-V")) {
            StringWriter out = new StringWriter();
            CommandLine cl = commandLine(out, flag);
            assertEquals(List.of(), List.copyOf(cl.getSubcommands().keySet()), flag);
            assertEquals(0, cl.execute(flag), flag);
            assertEquals("dispool 0.1.0", out.toString().strip(), flag);
        }
    }

    @Test
    void theUsageAMistypedNameAndHelpGetEveryCommand() {
        for (String[] args : List.of(new String[] {}, new String[] {"lss"}, new String[] {"--help"},
                new String[] {"--version", "ls"})) {
            assertEquals(ClientCommand.SUBCOMMANDS.keySet(), commandLine(new StringWriter(), args).getSubcommands().keySet(),
                    String.join(" ", args));
        }
    }
}
