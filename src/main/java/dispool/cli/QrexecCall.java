package dispool.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * A qrexec call from where dispool runs into a handed-out disposable: {@code qrexec-client-vm}
 * in a management qube (dom0's policy allows it for the disposables it created), dom0's
 * {@code qrexec-client} in dom0. Arguments go to the client as separate words, never through a shell.
 */
final class QrexecCall {

    static final String DOM0_CLIENT = "/usr/lib/qubes/qrexec-client";

    @Option(names = "--qrexec-client", paramLabel = "PATH", defaultValue = "${env:DISPOOL_QREXEC_CLIENT}",
            description = "The qrexec client (env DISPOOL_QREXEC_CLIENT; default " + DOM0_CLIENT
                    + " in dom0, else qrexec-client-vm).")
    String client;

    String client() {
        if (client != null && !client.isBlank()) {
            return client;
        }
        return Files.isExecutable(Path.of(DOM0_CLIENT)) ? DOM0_CLIENT : "qrexec-client-vm";
    }

    /** The command line calling {@code service} in {@code qube}, with {@code local} joined to its stdin/stdout. */
    List<String> command(String qube, String service, List<String> local) {
        String c = client();
        List<String> cmd = new ArrayList<>();
        cmd.add(c);
        if (Path.of(c).getFileName().toString().equals("qrexec-client")) {
            cmd.addAll(List.of("-d", qube));
            if (!local.isEmpty()) {
                cmd.addAll(List.of("-l", shellWords(local)));
            }
            cmd.add("DEFAULT:QUBESRPC " + service + " dom0");
        } else {
            cmd.addAll(List.of("--", qube, service));
            cmd.addAll(local);
        }
        return cmd;
    }

    /** dom0's qrexec-client takes its local program as one shell line: every word single-quoted. */
    static String shellWords(List<String> words) {
        StringBuilder b = new StringBuilder();
        for (String w : words) {
            b.append(b.length() == 0 ? "" : " ").append('\'').append(w.replace("'", "'\\''")).append('\'');
        }
        return b.toString();
    }

    /**
     * Runs the call: {@code input} (or nothing) on its stdin, its stdout and stderr copied to
     * {@code out} and {@code err}; returns its exit status, which qrexec clients take from the service.
     */
    int run(String qube, String service, List<String> local, String input, PrintWriter out, PrintWriter err) {
        try {
            Process p = new ProcessBuilder(command(qube, service, local)).start();
            Thread errors = new Thread(() -> copy(p.getErrorStream(), err), "qrexec-stderr");
            errors.start();
            try (OutputStream in = p.getOutputStream()) {
                if (input != null) {
                    in.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            copy(p.getInputStream(), out);
            errors.join();
            return p.waitFor();
        } catch (IOException e) {
            throw new ServiceCommand.Refused("cannot run " + client() + " (" + e.getMessage() + "): set DISPOOL_QREXEC_CLIENT"
                    + " or --qrexec-client to this qube's qrexec client", ServiceCommand.REFUSED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceCommand.Refused("interrupted while " + qube + " ran " + service, ServiceCommand.REFUSED);
        }
    }

    private static void copy(InputStream from, PrintWriter to) {
        try (Reader r = new InputStreamReader(from, StandardCharsets.UTF_8)) {
            r.transferTo(to);
            to.flush();
        } catch (IOException e) {
            to.println("(output lost: " + e.getMessage() + ")");
        }
    }
}
