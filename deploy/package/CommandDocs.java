import dispool.cli.ClientMain;
import java.io.File;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * java -cp APP:PICOCLI-CODEGEN deploy/package/CommandDocs.java MAN_DIR COMPLETION_FILE: the man
 * pages (AsciiDoc, one per command; build.sh turns them into roff) and the bash completion of the
 * `dispool` command line as users get it (ClientMain's model: the everyday commands), both made
 * by picocli from that model, so they never drift from the code.
 */
public final class CommandDocs {

    private CommandDocs() {
    }

    public static void main(String[] args) throws Exception {
        PrintWriter quiet = new PrintWriter(Writer.nullWriter());
        CommandLine cl = ClientMain.commandLine(quiet, quiet);
        ManPageGenerator.generateManPage(new File(args[0]), null, new boolean[0], true, cl.getCommandSpec());
        Files.writeString(Path.of(args[1]), AutoComplete.bash("dispool", cl));
    }
}
