package dispool.host.qubesd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs qrexec's client programs: an argument list (never a shell), the payload on stdin then
 * EOF, stdout and stderr read concurrently so neither pipe can fill and block the child.
 */
final class Processes {

    /** How a finished (or timed-out) program ended. */
    record Outcome(int exitStatus, byte[] stdout, String stderr, boolean timedOut) {
    }

    private Processes() {
    }

    static Outcome run(List<String> argv, byte[] stdin, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(argv).start();
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException e) {
            // the child exited without reading its stdin; its exit status says why
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Outcome(-1, new byte[0], text(err), true);
            }
            return new Outcome(p.exitValue(), out.get(5, TimeUnit.SECONDS), text(err), false);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(argv.get(0) + " interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException("reading the output of " + argv.get(0) + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IOException(argv.get(0) + " exited but something still holds its stdout open", e);
        }
    }

    /** What the child wrote to stderr, for the error message; empty when it cannot be had in time. */
    private static String text(CompletableFuture<byte[]> f) {
        try {
            return new String(f.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (ExecutionException | TimeoutException e) {
            return ""; // a grandchild may hold the pipe open; the exit status still says what happened
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream s) {
        return CompletableFuture.supplyAsync(() -> {
            try (s) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                s.transferTo(b);
                return b.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Processes::daemon);
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "qrexec-pipe");
        t.setDaemon(true);
        t.start();
    }
}
