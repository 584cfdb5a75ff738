package dispool.host.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host side of the guest's agent (deploy/qemu/guest-init), on the guest's second serial
 * port: requests {@code <id> ping} and {@code <id> exec <base64 command>}, answers
 * {@code <id> <exit status> <base64 output>}. Lines that are not answers (the terminal's echo
 * of requests sent before the agent set its port to raw mode) are skipped.
 */
final class Agent implements AutoCloseable {

    /** What a command answered: its exit status and output (stdout and stderr together). */
    record Answer(int exitStatus, String output) {
    }

    private static final Pattern ANSWER = Pattern.compile("(\\d+) (\\d+) ?([A-Za-z0-9+/=]*)");
    /** How often a ping is repeated while the guest is still booting (its port drops what came before). */
    private static final Duration PING_EVERY = Duration.ofMillis(100);

    private final AtomicLong ids = new AtomicLong();
    private final BlockingQueue<Matcher> answers = new LinkedBlockingQueue<>();
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
        Matcher m = ANSWER.matcher(line.strip());
        if (m.matches()) {
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
        long id = ids.incrementAndGet();
        channel.send(command.isEmpty() ? id + " ping"
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
                return new Answer(Integer.parseInt(m.group(2)),
                        new String(Base64.getDecoder().decode(m.group(3)), StandardCharsets.UTF_8));
            }
        }
        return null;
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
