package dispool.pool;

import dispool.host.Clock;
import dispool.host.QubesException;
import java.time.Duration;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Admission of cold starts (a hand-out that finds no preload): at most {@code max} run at once
 * ({@code dispool.engine.max-cold-starts}). Beyond the limit a request is refused
 * {@link DispoolException.Kind#BUSY} with the time the oldest running start is expected to need
 * yet, and nothing is created, so a request loop runs at most {@code max} starts at a time.
 * <p>
 * Memory is not judged here but by the host's start, as for qubesd's own cold disposables:
 * {@code QubesVM.start} asks qmemman ({@code request_mem}), which balloons running qubes down to
 * their preferred size and holds its global lock until the domain is created, so starts are
 * served one after another from what is really free, not from the published, lagging figure
 * (qubes/vm/qubesvm.py, qubes/tools/qmemmand.py, release4.3). A start the host refuses for memory
 * becomes {@link DispoolException.Kind#INSUFFICIENT_MEMORY} naming the template, its memory and
 * the figure seen at admission ({@link Slot#refused}). Nor does a cold start reserve memory in
 * {@link MemoryGate}: qubesd's preload refill does not count cold starts under way either, and
 * the host's figure counts one from its start on, so a reservation would count it twice and hold
 * back the refills qubesd makes.
 */
final class ColdStarts {

    /** The expected length of a cold start before one was measured (Qubes R4.3: ≈ 7 s on Fedora). */
    private static final Duration FIRST_GUESS = Duration.ofSeconds(7);

    private final int max;
    private final MemoryGate memory;
    private final Clock clock;
    /** Running starts by start time (host nanos) → how many started at that instant. */
    private final TreeMap<Long, Integer> running = new TreeMap<>();
    private int count;
    private long averageNanos = FIRST_GUESS.toNanos();

    ColdStarts(int max, MemoryGate memory, Clock clock) {
        if (max < 1) {
            throw new IllegalArgumentException("dispool.engine.max-cold-starts " + max + " refused: must be at least 1");
        }
        this.max = max;
        this.memory = memory;
        this.clock = clock;
    }

    /** One admitted cold start; closing it frees the slot. */
    final class Slot implements AutoCloseable {
        private final long startedNanos;
        private final String template;
        private final long memoryMiB;
        private boolean closed;

        private Slot(long startedNanos, String template, long memoryMiB) {
            this.startedNanos = startedNanos;
            this.template = template;
            this.memoryMiB = memoryMiB;
        }

        /**
         * What the caller gets when the host's start of {@code qube} failed: a lack of memory
         * (qmemman could not free enough) is {@code INSUFFICIENT_MEMORY} with the figures; null
         * for any other failure, which the caller reports as it is. The figure is read only here,
         * so a cold start that succeeds makes no extra host call for it.
         */
        DispoolException refused(String qube, RuntimeException e) {
            QubesException lack = HostErrors.memoryCause(e);
            if (lack == null) {
                return null;
            }
            Long availableMiB = memory.figureMiB();
            String seen = availableMiB == null ? "the host gives no available-memory figure"
                    : "qmemman's figure is now " + availableMiB + " MiB";
            return DispoolException.hostRefused(DispoolException.Kind.INSUFFICIENT_MEMORY, template + ": no preload ready and the host "
                    + "could not free " + memoryMiB + " MiB (memory of " + template + ") for the cold disposable " + qube + " ("
                    + seen + "): " + lack.getMessage() + "; shut down a qube or lower a template's preload-dispvm-max, "
                    + "then try again", lack);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                finished(startedNanos);
            }
        }
    }

    /** Takes a slot for one {@code template} disposable, or refuses when none is free. */
    Slot admit(String template, long memoryMiB) {
        long now = clock.nanos();
        synchronized (this) {
            if (count >= max) {
                throw DispoolException.busy(template + ": no preload ready and " + max + " cold starts already run "
                        + "(dispool.engine.max-cold-starts); try again later, or raise preload-dispvm-max of " + template,
                        retryAfterSeconds(now));
            }
            count++;
            running.merge(now, 1, Integer::sum);
        }
        return new Slot(now, template, memoryMiB);
    }

    /** Cold starts running now: boots that share the host's CPUs with the preloads' ({@link StartCapacity}). */
    synchronized int running() {
        return count;
    }

    private synchronized void finished(long startedNanos) {
        count--;
        running.computeIfPresent(startedNanos, (k, n) -> n == 1 ? null : n - 1);
        long took = clock.nanos() - startedNanos;
        averageNanos = (averageNanos * 7 + took) / 8;
    }

    /** When the oldest running start should be done, in wall seconds (the simulator may run faster). */
    private long retryAfterSeconds(long now) {
        long left = Math.max(0, running.isEmpty() ? 0 : averageNanos - (now - running.firstKey()));
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(clock.toWallNanos(Duration.ofNanos(left)) + 999_999_999L));
    }
}
