package dispool.pool;

import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Memory admission for preloads, host-wide, after qubesd's gap filler
 * ({@code on_domain_preload_dispvm_used} in qubes/vm/mix/dvmtemplate.py; keep in sync):
 * <pre>
 *   allowed = min(want, floor(max(0, available − threshold − reserved) / memory of the template))
 * </pre>
 * where {@code reserved} is the memory of preloads this gate admitted that the host was not yet asked
 * to start (from then on the host's memory request judges them and its figure counts them), so two
 * pools (or two quick reconciles) never spend the same free memory twice. With
 * no available-memory figure there is no gate (a warning, once).
 */
final class MemoryGate {

    private static final System.Logger LOG = System.getLogger(MemoryGate.class.getName());
    static final long MIB = 1L << 20;

    private final Supplier<OptionalLong> available;
    private long reservedBytes;
    private boolean warnedNoFigure;

    MemoryGate(Supplier<OptionalLong> available) {
        this.available = available;
    }

    /** The outcome of one admission, with the figures behind it (shown in the pool view). */
    public record Admission(int want, int allowed, Long availableMiB, long thresholdMiB, long perQubeMiB,
            long reservedMiB, String reason) {
    }

    /**
     * Admits up to {@code want} preloads of {@code perQubeMiB} each, and reserves their memory
     * until each is handed to the host's start or gave up ({@link #release}). The host's figure is read before the lock
     * (it may be Admin API calls); only the arithmetic on the reservations is under it.
     */
    Admission admit(String template, int want, long thresholdMiB, long perQubeMiB) {
        OptionalLong avail = available.get();
        synchronized (this) {
            if (avail.isEmpty()) {
                if (!warnedNoFigure) {
                    LOG.log(System.Logger.Level.WARNING, "the host gives no available-memory figure: preloading runs without a memory gate");
                    warnedNoFigure = true;
                }
                reservedBytes += want * perQubeMiB * MIB;
                return new Admission(want, want, null, thresholdMiB, perQubeMiB, reservedBytes / MIB, "no memory figure: not gated");
            }
            int allowed = allowed(want, avail.getAsLong(), thresholdMiB * MIB + reservedBytes, perQubeMiB * MIB);
            reservedBytes += allowed * perQubeMiB * MIB;
            return new Admission(want, allowed, avail.getAsLong() / MIB, thresholdMiB, perQubeMiB, reservedBytes / MIB,
                    reason(template, want, allowed, avail.getAsLong() / MIB, thresholdMiB, perQubeMiB));
        }
    }

    /** The host's figure in MiB as read now (for a message), or null when it gives none. */
    Long figureMiB() {
        OptionalLong avail = available.get();
        return avail.isPresent() ? avail.getAsLong() / MIB : null;
    }

    /** The pure formula; {@code keepBytes} is the threshold plus what is already reserved. */
    static int allowed(int want, long availableBytes, long keepBytes, long perQubeBytes) {
        if (want <= 0) {
            return 0;
        }
        long usable = Math.max(0, availableBytes - keepBytes);
        return (int) Math.min(want, perQubeBytes <= 0 ? want : usable / perQubeBytes);
    }

    /**
     * A start admitted here went to the host (or gave up): the host's memory request judges it,
     * and qmemman's figure, written after its next balancing pass, counts it.
     */
    synchronized void release(long perQubeMiB) {
        reservedBytes = Math.max(0, reservedBytes - perQubeMiB * MIB);
    }

    private static String reason(String template, int want, int allowed, long availMiB, long thresholdMiB, long perQubeMiB) {
        if (allowed == want) {
            return "admitted " + allowed;
        }
        return template + ": " + (want - allowed) + " of " + want + " preloads wait for memory: available " + availMiB
                + " MiB, threshold " + thresholdMiB + " MiB (preload-dispvm-threshold), " + perQubeMiB
                + " MiB per preload (memory of " + template + ")";
    }
}
