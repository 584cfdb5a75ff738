package dispool.pool;

import dispool.host.Clock;
import java.time.Duration;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Admission of cold starts (a hand-out that finds no preload): at most {@code max} run at once
 * ({@code dispool.engine.max-cold-starts}), each needs its template's memory free
 * ({@link MemoryGate}, without preload-dispvm-threshold, which Qubes keeps free only from preloads).
 * Beyond the limit a request is refused {@link DispoolException.Kind#BUSY} with the time the
 * oldest running start is expected to need yet; with too little memory,
 * {@link DispoolException.Kind#INSUFFICIENT_MEMORY}. Nothing is created on a refusal, so a request
 * loop cannot start disposables until the host is out of memory.
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

    /**
     * One admitted cold start; closing it frees the slot and the memory reserved for it. The
     * memory is reserved only until the host took it ({@link #memoryTaken}), as qubesd holds its
     * qmemman request only until the domain is created (qubes/vm/qubesvm.py {@code start},
     * release4.3): from then on the host's figure counts it, and a reservation would count it twice.
     */
    final class Slot implements AutoCloseable {
        private final long startedNanos;
        private final long memoryMiB;
        private boolean reserved = true;
        private boolean closed;

        private Slot(long startedNanos, long memoryMiB) {
            this.startedNanos = startedNanos;
            this.memoryMiB = memoryMiB;
        }

        /** The start returned: the disposable holds its memory, which the host's figure shows. */
        void memoryTaken() {
            if (reserved) {
                reserved = false;
                memory.release(memoryMiB);
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                memoryTaken();
                finished(startedNanos);
            }
        }
    }

    /** Takes a slot and the memory of one {@code template} disposable, or refuses saying why. */
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
        MemoryGate.Admission a = memory.admit(template, 1, 0, memoryMiB);
        if (a.allowed() == 0) {
            finished(now);
            throw new DispoolException(DispoolException.Kind.INSUFFICIENT_MEMORY, template + ": no preload ready and not "
                    + "enough memory for a cold disposable: available " + a.availableMiB() + " MiB, " + a.reservedMiB()
                    + " MiB reserved for starts under way, " + memoryMiB + " MiB needed (memory of " + template
                    + "); shut down a qube or try again later", "template", template, "memory available");
        }
        return new Slot(now, memoryMiB);
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
