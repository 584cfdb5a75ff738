package dispool.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What a soak counts per simulated hour (hand-outs preloaded and cold, refusals, injected events,
 * the host's fired faults) and its hourly {@link ProcessSample}s, folded into one row per day.
 * Fixed-size arrays: the ledger must not itself grow while the soak watches the heap.
 */
final class SoakLedger {

    private final int hours;
    private final AtomicLongArray preloaded;
    private final AtomicLongArray cold;
    private final AtomicLongArray refused;
    private final AtomicLongArray injected;
    private final long[] firedTotal;
    private final ProcessSample[] samples;

    SoakLedger(int hours) {
        this.hours = hours;
        preloaded = new AtomicLongArray(hours);
        cold = new AtomicLongArray(hours);
        refused = new AtomicLongArray(hours);
        injected = new AtomicLongArray(hours);
        firedTotal = new long[hours];
        samples = new ProcessSample[hours];
    }

    void handedOut(int hour, boolean wasPreloaded) {
        (wasPreloaded ? preloaded : cold).incrementAndGet(hour);
    }

    void refused(int hour) {
        refused.incrementAndGet(hour);
    }

    void fault(int hour) {
        injected.incrementAndGet(hour);
    }

    synchronized void sample(ProcessSample sample, long hostFaultsSoFar) {
        samples[sample.hour()] = sample;
        firedTotal[sample.hour()] = hostFaultsSoFar;
    }

    synchronized List<ProcessSample> samples() {
        List<ProcessSample> out = new ArrayList<>();
        for (ProcessSample s : samples) {
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** One row per simulated day (a last partial day too): sums of the counts, means of the samples. */
    synchronized List<SoakReport.Day> days() {
        List<SoakReport.Day> out = new ArrayList<>();
        for (int from = 0; from < hours; from += 24) {
            int to = Math.min(hours, from + 24);
            long pre = 0;
            long col = 0;
            long ref = 0;
            long faults = 0;
            double rss = 0;
            double heap = 0;
            double threads = 0;
            double fds = 0;
            int queueMax = 0;
            int n = 0;
            for (int h = from; h < to; h++) {
                pre += preloaded.get(h);
                col += cold.get(h);
                ref += refused.get(h);
                faults += injected.get(h);
                if (samples[h] != null) {
                    n++;
                    rss += samples[h].rssKiB() / 1024.0;
                    heap += samples[h].heapAfterGcKiB() / 1024.0;
                    threads += samples[h].threads();
                    fds += samples[h].fds();
                    queueMax = Math.max(queueMax, samples[h].timersQueued());
                }
            }
            long hostFaults = firedAt(Math.min(hours, to) - 1) - (from == 0 ? 0 : firedAt(from - 1));
            int div = Math.max(1, n);
            out.add(new SoakReport.Day(from / 24 + 1, pre, col, ref, faults + hostFaults, rss / div, heap / div,
                    threads / div, fds / div, queueMax));
        }
        return out;
    }

    /** Host faults fired up to the sample of {@code hour} (the latest sample at or before it). */
    private long firedAt(int hour) {
        for (int h = hour; h >= 0; h--) {
            if (samples[h] != null) {
                return firedTotal[h];
            }
        }
        return 0;
    }
}
