package dispool.host.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * QEMU processes as the process table shows them. A guest is recognised by its command line,
 * which names its own directory in the state directory: a pid read from a pid file counts only
 * while that process is alive (not a zombie) and still is that guest, so a reused pid is never
 * signalled.
 */
final class GuestProcesses {

    private static final Path PROC = Path.of("/proc");

    private GuestProcesses() {
    }

    /** The live process {@code pid} whose command line mentions {@code marker}. */
    static Optional<ProcessHandle> find(long pid, String marker) {
        return commandLine(pid).filter(cmd -> cmd.contains(marker) && !isZombie(pid))
                .flatMap(cmd -> ProcessHandle.of(pid));
    }

    /** Every live process whose command line mentions {@code marker}, with its arguments. */
    static List<Running> all(String marker) {
        List<Running> out = new ArrayList<>();
        try (Stream<Path> entries = Files.list(PROC)) {
            entries.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .mapToLong(Long::parseLong)
                    .forEach(pid -> arguments(pid).filter(a -> String.join(" ", a).contains(marker) && !isZombie(pid))
                            .ifPresent(a -> out.add(new Running(pid, a))));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the process table in /proc: " + e.getMessage(), e);
        }
        return out;
    }

    /** A process and its arguments, the program as it was called first. */
    record Running(long pid, List<String> argv) {

        String program() {
            return argv.isEmpty() ? "" : argv.get(0);
        }

        /** The arguments joined by spaces. */
        String commandLine() {
            return String.join(" ", argv);
        }
    }

    private static Optional<String> commandLine(long pid) {
        return arguments(pid).map(a -> String.join(" ", a));
    }

    private static Optional<List<String>> arguments(long pid) {
        try {
            byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
            String all = new String(raw, StandardCharsets.UTF_8);
            String args = all.endsWith("\0") ? all.substring(0, all.length() - 1) : all; // each argument ends in NUL
            return Optional.of(List.of(args.split("\0", -1)));
        } catch (IOException e) {
            return Optional.empty(); // exited meanwhile, or not ours to read
        }
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException | IndexOutOfBoundsException e) {
            return true; // gone
        }
    }

    /** Waits up to {@code within} for {@code h} to exit; false when it still runs (or the wait was interrupted). */
    static boolean exited(ProcessHandle h, Duration within) {
        try {
            h.onExit().get(within.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Alive and still the same guest. */
    static boolean alive(long pid, String marker) {
        return find(pid, marker).isPresent();
    }
}
