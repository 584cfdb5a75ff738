package dispool.cli;

import dispool.cli.top.TopModel;
import dispool.cli.top.TopScreen;
import dispool.host.Backoff;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

/**
 * One full-screen run of {@code dispool top}. Three sources feed one queue: keys (a reader thread
 * on the terminal), the service's events (a thread on {@code GET /api/v1/events}, reconnecting
 * with backoff when the stream ends) and the terminal's resizes. The main thread takes from the
 * queue, applies every input waiting, reads the pools once after a burst of events, and redraws
 * through JLine's {@link Display}, which writes only the cells that changed. Once a second with
 * nothing queued it redraws too, so the last-minute figures age; the service is not called then.
 */
final class TopSession implements AutoCloseable {

    /** How often the advised max is read again while hand-outs happen (each read replays the history). */
    private static final long ADVICE_EVERY_MS = 30_000;
    private static final Backoff RECONNECT = Backoff.doubling(Duration.ofSeconds(1), Duration.ofSeconds(30));

    private sealed interface Input permits Key, Event, StreamLost, Resized {
    }

    private record Key(int c) implements Input {
    }

    private record Event(String json, long wallMs) implements Input {
    }

    private record StreamLost(String why) implements Input {
    }

    private record Resized() implements Input {
    }

    /** A change waiting for the user's y. */
    private record Pending(String question, Runnable action, String done) {
    }

    private final TopCommand command;
    private final ServiceClient client;
    private final TopModel model;
    private final double timeScale;
    private final TopScreen screen;
    private final Terminal terminal;
    private final Display display;
    private final BlockingQueue<Input> inputs = new LinkedBlockingQueue<>();
    private final Deque<Long> eventWallMs = new ArrayDeque<>();
    private volatile boolean running = true;
    private Thread keyReader;
    private String status;
    private Pending pending;
    private long latestWallMs;
    private long latestHostMs = Long.MIN_VALUE;
    private long adviceWallMs = System.currentTimeMillis();
    private boolean handedOutSinceAdvice;

    TopSession(TopCommand command, ServiceClient client, TopModel model, double timeScale, boolean colour) throws IOException {
        this.command = command;
        this.client = client;
        this.model = model;
        this.timeScale = timeScale > 0 ? timeScale : 1;
        this.screen = new TopScreen(colour);
        this.terminal = TerminalBuilder.builder().system(true).build();
        this.display = new Display(terminal, true);
    }

    int run() {
        terminal.enterRawMode();
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.cursor_invisible);
        terminal.handle(Terminal.Signal.WINCH, s -> inputs.add(new Resized()));
        keyReader = start("dispool top keys", this::readKeys);
        start("dispool top events", this::readEvents);
        resize();
        draw();
        while (running) {
            Input first;
            try {
                first = inputs.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
            List<Input> batch = new ArrayList<>();
            if (first != null) {
                batch.add(first);
                inputs.drainTo(batch);
            }
            handle(batch);
            draw();
        }
        return 0;
    }

    private void handle(List<Input> batch) {
        boolean events = false;
        for (Input in : batch) {
            if (in instanceof Key k) {
                key(k.c());
            } else if (in instanceof Event e) {
                events |= event(e);
            } else if (in instanceof StreamLost l) {
                status = l.why();
            } else {
                resize();
            }
        }
        if (events) {
            call(() -> command.refresh(client, model), null);
            if (handedOutSinceAdvice && System.currentTimeMillis() - adviceWallMs >= ADVICE_EVERY_MS) {
                adviceWallMs = System.currentTimeMillis();
                handedOutSinceAdvice = false;
                call(() -> command.advise(client, model), null);
            }
        }
    }

    private boolean event(Event e) {
        try {
            model.event(JsonText.read(e.json()));
        } catch (IOException bad) {
            status = "an event that is not JSON was skipped: " + e.json();
            return false;
        }
        if (model.latestEventMs() > latestHostMs) {
            latestHostMs = model.latestEventMs();
            latestWallMs = e.wallMs();
        }
        handedOutSinceAdvice |= e.json().contains("\"HANDED_OUT\"");
        eventWallMs.addFirst(e.wallMs());
        while (eventWallMs.size() > TopModel.RECENT_EVENTS) {
            eventWallMs.removeLast();
        }
        return true;
    }

    private void key(int c) {
        if (pending != null) {
            Pending p = pending;
            pending = null;
            status = c == 'y' || c == 'Y' ? null : "cancelled: " + p.question();
            if (status == null) {
                call(p.action(), p.done());
            }
            return;
        }
        switch (c) {
            case 'q', 'Q', 3 -> running = false;
            case 'j', 'B' -> model.move(1);
            case 'k', 'A' -> model.move(-1);
            case 's' -> model.nextSort();
            case '+', '=' -> askMax(1);
            case '-', '_' -> askMax(-1);
            case 'd' -> pending = new Pending("drain every pool (remove every preload, refill nothing until r)?",
                    () -> command.drain(client), "drained: every pool empties and stays empty until r");
            case 'r' -> pending = new Pending("refill every pool after a drain?", () -> command.refill(client),
                    "refilling every pool");
            default -> { }
        }
        if (pending != null) {
            status = pending.question() + " y: yes, any other key: no";
        }
    }

    private void askMax(int by) {
        String t = model.selected();
        int now = model.selectedMax();
        if (t == null) {
            status = "no DVM template selected";
            return;
        }
        int to = now + by;
        pending = new Pending(String.format("%s: preload-dispvm-max %d → %d?", t, now, to),
                () -> command.setMax(client, t, to), t + ": preload-dispvm-max set to " + to);
    }

    /** Runs an API call; its error, as the service gave it, goes to the status line. */
    private void call(Runnable apiCall, String done) {
        try {
            apiCall.run();
            if (done != null) {
                status = done;
                command.refresh(client, model);
            }
        } catch (RuntimeException e) {
            status = "refused: " + e.getMessage();
        }
    }

    private void draw() {
        long hostNow = latestHostMs == Long.MIN_VALUE ? 0
                : latestHostMs + (long) ((System.currentTimeMillis() - latestWallMs) * timeScale);
        Size size = terminal.getSize();
        display.update(screen.draw(model, hostNow, new TopScreen.Frame(client.where(), status, List.copyOf(eventWallMs)),
                size.getColumns(), size.getRows()), -1);
        terminal.flush();
    }

    private void resize() {
        Size size = terminal.getSize();
        display.clear();
        display.resize(size.getRows(), size.getColumns());
    }

    /**
     * Keys as characters; an arrow's escape sequence becomes its last letter (A up, B down). Reads
     * wait a quarter second at most: JLine's close waits for a read with no timeout to end, which
     * only a key would do.
     */
    private void readKeys() {
        NonBlockingReader r = terminal.reader();
        try {
            while (running) {
                int c = r.read(250);
                if (c == NonBlockingReader.READ_EXPIRED) {
                    continue;
                }
                if (c < 0) {
                    return;
                }
                if (c == 27 && r.peek(50) == '[') {
                    r.read();
                    c = r.read(50);
                }
                inputs.add(new Key(c));
            }
        } catch (java.io.InterruptedIOException e) {
            Thread.currentThread().interrupt(); // close() ends the reader so
        } catch (IOException e) {
            inputs.add(new StreamLost("the terminal's input ended: " + e.getMessage()));
        }
    }

    /** The event stream, read again after a loss with dispool's one backoff (1 s doubling to 30 s). */
    private void readEvents() {
        int failures = 0;
        while (running) {
            String lost;
            try (SocketChannel ch = client.openStream("/api/v1/events")) {
                new EventStream(new BufferedInputStream(Channels.newInputStream(ch)), client.where())
                        .read(json -> inputs.add(new Event(json, System.currentTimeMillis())));
                failures = 0;
                lost = "the service ended the event stream";
            } catch (IOException | RuntimeException e) {
                failures++;
                lost = "event stream lost (" + e.getMessage() + ")";
            }
            Duration wait = RECONNECT.delay(Math.max(1, failures));
            inputs.add(new StreamLost(lost + ": reconnecting in " + Math.max(1, wait.toSeconds()) + " s"));
            try {
                TimeUnit.NANOSECONDS.sleep(wait.toNanos());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static Thread start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void close() throws IOException {
        running = false;
        if (keyReader != null) {
            keyReader.interrupt();
            try {
                keyReader.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        terminal.puts(Capability.cursor_visible);
        terminal.puts(Capability.exit_ca_mode);
        terminal.flush();
        terminal.close();
    }
}
