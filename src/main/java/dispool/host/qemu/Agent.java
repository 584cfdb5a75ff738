package dispool.host.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host side of the guest's agent (deploy/qemu/guest-init), on the guest's second serial
 * port. A ping ({@code <id> ping}) is answered {@code <id> 0 run} by an agent that takes
 * {@code <id> run <command>}: the command as plain text, its output as raw lines, then a line
 * break and {@code <id> <exit status>} (one fork in the guest). Until an agent has said so, and
 * for a command with a line break, a command goes as {@code <id> exec <base64 command>}, answered
 * {@code <id> <exit status> <base64 output>} (five or six forks: guests built before run existed
 * take only this). Other lines are skipped (the terminal's echo of requests sent before the agent
 * set its port to raw mode), except within a run, where they are its output.
 */
final class Agent implements AutoCloseable {

    /** What a command answered: its exit status and output (stdout and stderr together). */
    record Answer(int exitStatus, String output) {
    }

    private static final Pattern ANSWER = Pattern.compile("(\\d+) (\\d+) ?([A-Za-z0-9+/=]*)");
    /** A ping's answer from an agent that takes plain-text commands. */
    private static final String RUN = "run";
    /** How often a ping is repeated while the guest is still booting (its port drops what came before). */
    private static final Duration PING_EVERY = Duration.ofMillis(100);

    /**
     * Request ids start at random, so a line of a command's output that looks like an answer
     * ({@code 1 0}) is not taken for the run's own. They have ten digits (for the next 5·10⁹
     * requests), which makes a ping {@code <id> ping\n} 16 bytes: twice the 8 bytes at which the
     * guest's emulated UART raises its receive interrupt at once. The bytes of a request short of
     * that wait 4 characters' time on the line first (0.35 ms at the agent's 115200 baud; the
     * request's length, 16 bytes against 21, measured in docs/benchmarks/2026-12-09-qemu-floor).
     */
    private final AtomicLong ids = new AtomicLong(ThreadLocalRandom.current().nextLong(1_000_000_000L, 5_000_000_000L));
    private final BlockingQueue<Matcher> answers = new LinkedBlockingQueue<>();
    /** The run in flight (its id), 0 when none: until its answer, every other line is its output. */
    private volatile long runId;
    /** Output lines of the run in flight, in order. */
    private final Queue<String> runOutput = new ConcurrentLinkedQueue<>();
    /** The agent answered a ping with {@code run}: commands without a line break go as plain text. */
    private volatile boolean takesRun;
    private final LineChannel channel;
    private volatile boolean closed;
    /** When the last answer was read off the socket (System.nanoTime): splits a round trip from the caller's wake-up. */
    private volatile long lastAnswerNanos;

    private Agent(Path socket, String vm) throws IOException {
        channel = LineChannel.open(socket, "agent-" + vm, this::receive);
    }

    static Agent connect(Path socket, String vm) throws IOException {
        return new Agent(socket, vm);
    }

    private void receive(String line) {
        if (line == null) {
            closed = true;
            answers.add(ANSWER.matcher("0 0 "));
            return;
        }
        long run = runId;
        Matcher m = ANSWER.matcher(run != 0 ? line : line.strip());
        if (run != 0 && !(m.matches() && m.group(3).isEmpty() && m.group(1).equals(Long.toString(run)))) {
            runOutput.add(line);
        } else if (m.matches()) {
            takesRun |= RUN.equals(m.group(3));
            lastAnswerNanos = System.nanoTime();
            answers.add(m);
        }
    }

    long lastAnswerNanos() {
        return lastAnswerNanos;
    }

    boolean isOpen() {
        return !closed && channel.isOpen();
    }

    /**
     * Pings until the agent answers, at most {@code timeout}: true once it did and every ping sent
     * before has been answered. A booting guest reads nothing, so the pings sent every
     * {@link #PING_EVERY} pile up on its port and it answers them in a run once its agent is up:
     * one run of a boot of several seconds under TCG took the agent most of a second. Left to
     * run on, that would be paid by whoever sends the next request (the hand-out's ping after the
     * preload is paused and resumed). So once one answer came, one more ping goes out and its own
     * answer is awaited: the port is first in, first out, so the run is over when it arrives.
     */
    synchronized boolean awaitReady(Duration timeout) throws IOException, InterruptedException {
        answers.clear();
        long first = ids.get() + 1;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            channel.send(ids.incrementAndGet() + " ping");
            long wait = Math.min(PING_EVERY.toNanos(), Math.max(0, deadline - System.nanoTime()));
            for (Matcher m = answers.poll(wait, TimeUnit.NANOSECONDS); m != null; m = answers.poll()) {
                requireOpen();
                if (Long.parseLong(m.group(1)) >= first) {
                    return call("", Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))) != null;
                }
            }
        }
        return false;
    }

    /** What runs between a request's send and the wait for its answer. */
    interface Meanwhile {
        void run() throws IOException;
    }

    /** One round trip with a command (empty = the builtin ping); null when no answer came in time. */
    synchronized Answer call(String command, Duration timeout) throws IOException, InterruptedException {
        return await(send(command), timeout);
    }

    /**
     * One round trip, with {@code meanwhile} run after the request is written and before its
     * answer is awaited: the unpause writes its ping, then has QMP {@code cont} the guest, so the
     * request already waits on the guest's port as it resumes (it reads it once it runs). The
     * round trip overlaps the {@code cont} instead of following it.
     */
    synchronized Answer call(String command, Duration timeout, Meanwhile meanwhile) throws IOException, InterruptedException {
        long id = send(command);
        meanwhile.run();
        return await(id, timeout);
    }

    /**
     * Sends a request and returns its id; {@link #await} its answer. Answers to earlier requests
     * still queued are dropped. Split so that the unpause can write its ping while QMP's
     * {@code cont} is under way: the guest reads it once it runs.
     */
    synchronized long send(String command) throws IOException {
        answers.clear();
        runOutput.clear();
        long id = ids.incrementAndGet();
        boolean plain = takesRun && !command.isEmpty() && command.indexOf('\n') < 0 && command.indexOf('\r') < 0;
        runId = plain ? id : 0;
        channel.send(command.isEmpty() ? id + " ping" : plain ? id + " run " + command
                : id + " exec " + Base64.getEncoder().encodeToString(command.getBytes(StandardCharsets.UTF_8)));
        return id;
    }

    /** The answer to request {@code id}; null when none came within {@code timeout}. */
    synchronized Answer await(long id, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Matcher m = answers.poll(timeout.toNanos(), TimeUnit.NANOSECONDS); m != null;
                m = answers.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            requireOpen();
            if (Long.parseLong(m.group(1)) == id) {
                return new Answer(Integer.parseInt(m.group(2)), output(id, m.group(3)));
            }
        }
        return null;
    }

    /**
     * What request {@code id} printed: a run's raw lines (the agent ends them with a line break of
     * its own, so they join back to the output exactly), an exec's base64, nothing for a ping.
     */
    private String output(long id, String encoded) {
        if (id == runId) {
            runId = 0;
            List<String> lines = new ArrayList<>(runOutput);
            runOutput.clear();
            return String.join("\n", lines);
        }
        return RUN.equals(encoded) ? "" : new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    private void requireOpen() throws IOException {
        if (closed) {
            throw new IOException("the guest's agent channel " + channel.path() + " closed (QEMU exited)");
        }
    }

    @Override
    public void close() {
        channel.close();
    }
}
