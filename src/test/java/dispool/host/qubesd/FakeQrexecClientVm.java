package dispool.host.qubesd;

import dispool.emulator.QubesdEmulator;
import dispool.host.sim.SimHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;

/**
 * A fake {@code qrexec-client-vm} in front of dispool's qubesd emulator: it does what qrexec does
 * for a socket-based service in dom0 (writes the service descriptor with the calling qube as the
 * source in front of the payload, half-closes, copies the reply to stdout). It is a small Python
 * script, so tests that use it need python3 on PATH and are skipped without it.
 */
public final class FakeQrexecClientVm {

    private static final String SCRIPT = """
            import socket, sys
            dest, service = sys.argv[1], sys.argv[2]
            if "+" not in service:
                service += "+"  # qrexec inserts the empty argument for calls from a qube
            payload = sys.stdin.buffer.read()
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(sys.argv[0] + ".sock")
            s.sendall(f"{service} %s name {dest}".encode() + b"\\0" + payload)
            s.shutdown(socket.SHUT_WR)
            while chunk := s.recv(65536):
                sys.stdout.buffer.write(chunk)
                sys.stdout.buffer.flush()
            """;

    private FakeQrexecClientVm() {
    }

    /**
     * Serves {@code sim} as qubesd and writes a client in {@code dir} that calls it as
     * {@code source}; returns the emulator, whose client is {@link #client(Path)}.
     */
    public static QubesdEmulator serve(SimHost sim, Path dir, String source) throws IOException, InterruptedException {
        Path client = client(dir);
        Files.writeString(client, "#!" + python3() + "\n" + SCRIPT.stripIndent().formatted(source));
        Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rwx------"));
        return QubesdEmulator.serve(sim, dir.resolve("qrexec-client-vm.sock"));
    }

    /** The client program in {@code dir}. */
    public static Path client(Path dir) {
        return dir.resolve("qrexec-client-vm");
    }

    /** The interpreter itself (not a version-manager shim, which costs ~0.3 s per call). */
    private static String python3() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)").start();
        String path = new String(p.getInputStream().readAllBytes()).strip();
        Assumptions.assumeTrue(p.waitFor() == 0 && !path.isEmpty(), "this test needs python3 on PATH");
        return path;
    }
}
