package dispool.host.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One guest's QEMU process, launched detached ({@code -daemonize}: QEMU forks, calls setsid and
 * leaves this process tree, so it outlives a crash of dispool) and driven over QMP; its directory
 * holds the QMP and agent sockets, the pid file, the console log and the disk overlay.
 */
final class QemuVm {

    static final String QMP = "qmp.sock";
    static final String AGENT = "agent.sock";
    static final String PID = "qemu.pid";
    static final String OVERLAY = "private.qcow2";
    /** Unix socket paths are limited to 107 bytes. */
    private static final int MAX_SOCKET_PATH = 107;

    /** What a guest boots: kernel, initramfs, an optional disk overlay, memory and vCPUs. */
    record Guest(Path kernel, Path initramfs, Optional<Path> overlay, long memoryMiB, int vcpus) {
    }

    private final String name;
    private final Path dir;
    private final long pid;
    private final AtomicBoolean closing;
    private final Qmp qmp;
    private Agent agent;

    private QemuVm(String name, Path dir, long pid, Qmp qmp, AtomicBoolean closing) {
        this.name = name;
        this.dir = dir;
        this.pid = pid;
        this.qmp = qmp;
        this.closing = closing;
    }

    /** Launches QEMU (an argument list, no shell) and connects QMP; QMP events go to {@code events}. */
    static QemuVm launch(String qemu, String accelerator, String name, Path dir, Guest guest, Duration timeout,
            Consumer<String> events) throws IOException {
        requireShortPath(dir.resolve(AGENT));
        Files.deleteIfExists(dir.resolve(PID));
        List<String> argv = arguments(qemu, accelerator, name, dir, guest);
        Path log = dir.resolve("launch.log");
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        int status = waitFor(p, timeout);
        if (status != 0) {
            throw new IOException("QEMU did not start (exit status " + status + "): " + Files.readString(log).strip());
        }
        long pid = Long.parseLong(Files.readString(dir.resolve(PID)).strip());
        return connect(name, dir, pid, timeout, events);
    }

    /** The guest of an earlier run of dispool, when its QEMU still runs; QMP reconnected. */
    static Optional<QemuVm> attach(String name, Path dir, Duration timeout, Consumer<String> events) {
        try {
            long pid = Long.parseLong(Files.readString(dir.resolve(PID)).strip());
            if (!GuestProcesses.alive(pid, marker(dir))) {
                return Optional.empty();
            }
            return Optional.of(connect(name, dir, pid, timeout, events));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The end of the QMP stream means QEMU exited, unless dispool closed the connection itself
     * (at shutdown the guests keep running): that end is not passed on.
     */
    private static QemuVm connect(String name, Path dir, long pid, Duration timeout, Consumer<String> events)
            throws IOException {
        AtomicBoolean closing = new AtomicBoolean();
        Qmp qmp = Qmp.connect(dir.resolve(QMP), name, timeout, e -> {
            if (e != null || !closing.get()) {
                events.accept(e);
            }
        });
        return new QemuVm(name, dir, pid, qmp, closing);
    }

    /** How this guest's process is told apart in the process table: its QMP socket path. */
    static String marker(Path dir) {
        return dir.resolve(QMP).toString();
    }

    static List<String> arguments(String qemu, String accelerator, String name, Path dir, Guest guest) {
        List<String> a = new ArrayList<>(List.of(qemu, "-name", "guest=" + name, "-accel", accelerator,
                "-m", Long.toString(guest.memoryMiB()), "-smp", Integer.toString(guest.vcpus()),
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-kernel", guest.kernel().toString(), "-initrd", guest.initramfs().toString(),
                "-append", "console=ttyS0 quiet panic=-1",
                "-serial", "file:" + dir.resolve("console.log"),
                "-chardev", "socket,id=agent,server=on,wait=off,path=" + dir.resolve(AGENT),
                "-serial", "chardev:agent",
                "-qmp", "unix:" + dir.resolve(QMP) + ",server=on,wait=off",
                "-pidfile", dir.resolve(PID).toString(), "-daemonize"));
        guest.overlay().ifPresent(o -> a.addAll(List.of("-drive", "file=" + o + ",if=virtio,format=qcow2")));
        return a;
    }

    private static void requireShortPath(Path socket) throws IOException {
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new IOException("socket path " + socket + " is longer than " + MAX_SOCKET_PATH
                    + " bytes: choose a shorter dispool.qemu.state-dir");
        }
    }

    long pid() {
        return pid;
    }

    /** QEMU's run state: {@code running}, {@code paused}, {@code prelaunch}… */
    String status() throws IOException {
        return qmp.execute("query-status").path("status").asText();
    }

    void stop() throws IOException {
        qmp.execute("stop");
    }

    void cont() throws IOException {
        qmp.execute("cont");
    }

    /** The guest's agent, connected on first use and again after its channel closed. */
    synchronized Agent agent() throws IOException {
        if (agent == null || !agent.isOpen()) {
            if (agent != null) {
                agent.close();
            }
            agent = Agent.connect(dir.resolve(AGENT), name);
        }
        return agent;
    }

    /**
     * QMP {@code quit}; SIGKILL when the process is still there after {@code grace}. Returns once it
     * is gone. The end of the QMP stream this causes is not passed on: the caller knows the guest
     * is going (it halts the qube itself), and passed on it would race the exit and SIGKILL a QEMU
     * that is already quitting as if it were unreachable.
     */
    void kill(Duration grace) {
        closing.set(true);
        try {
            qmp.execute("quit");
        } catch (IOException e) {
            // already exiting or QMP wedged: the wait below and SIGKILL settle it
        }
        Optional<ProcessHandle> h = GuestProcesses.find(pid, marker(dir));
        if (h.isPresent() && !GuestProcesses.exited(h.get(), grace)) {
            h.get().destroyForcibly();
            GuestProcesses.exited(h.get(), grace);
        }
        close();
    }

    /** Drops the connections; the guest keeps running (dispool's shutdown leaves preloads paused). */
    synchronized void close() {
        closing.set(true);
        qmp.close();
        if (agent != null) {
            agent.close();
        }
    }

    private static int waitFor(Process p, Duration timeout) throws IOException {
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("QEMU did not daemonize within " + timeout.toMillis() + " ms");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while launching QEMU");
        }
    }
}
