package dispool.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dispool open FILE|URL}: opens it in a handed-out disposable, as qvm-open-in-dvm does in a
 * fresh one (qubes.OpenInVM with qopen-in-vm sending the file and taking the edited one back, or
 * qubes.OpenURL with the URL on a line), then removes the disposable.
 */
@Command(name = "open", mixinStandardHelpOptions = true,
        description = "Open a file or URL in a preloaded disposable; the disposable is removed when its viewer closes.")
class OpenCommand extends ServiceCommand {

    /** qvm-open-in-vm's test for a URL: a scheme, then "://". */
    private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+]*://.*", Pattern.DOTALL);

    @Parameters(paramLabel = "FILE|URL", description = "A file to open (edits come back), or a URL.")
    String target;

    @Option(names = "--template", paramLabel = "TEMPLATE", converter = QubeName.class,
            description = "The DVM template (default: the global default_dispvm).")
    String template;

    @Option(names = "--view-only", description = "Do not take edits back (as qvm-open-in-dvm --view-only).")
    boolean viewOnly;

    @Option(names = "--qopen-in-vm", paramLabel = "PATH", defaultValue = "${env:DISPOOL_QOPEN_IN_VM:-/usr/lib/qubes/qopen-in-vm}",
            description = "Qubes' file sender (env DISPOOL_QOPEN_IN_VM, default ${DEFAULT-VALUE}).")
    String qopenInVm;

    @Mixin
    QrexecCall qrexec;

    @Override
    java.time.Duration readTimeout() {
        return HAND_OUT_TIMEOUT;
    }

    @Override
    int run(ServiceClient client) {
        boolean isUrl = URL.matcher(target).matches();
        if (!isUrl && !Files.isRegularFile(Path.of(target))) {
            err().println("dispool open: '" + target + "' is neither a file nor a URL (scheme://...)");
            return USAGE;
        }
        String name = HandoutCommand.name(HandoutCommand.handOut(this, client, template));
        try {
            return isUrl ? call(name, "qubes.OpenURL", List.of(), target + "\n")
                    : call(name, "qubes.OpenInVM", fileSender(), null);
        } finally {
            expect(client, "DELETE", "/api/v1/dispvms/" + name, null);
        }
    }

    private List<String> fileSender() {
        List<String> cmd = new ArrayList<>(List.of(qopenInVm));
        if (viewOnly) {
            cmd.add("--view-only");
        }
        cmd.addAll(List.of("--", target));
        return cmd;
    }

    private int call(String qube, String service, List<String> local, String input) {
        return qrexec.run(qube, service, local, input, out(), err());
    }
}
