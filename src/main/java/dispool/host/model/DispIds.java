package dispool.host.model;

import dispool.host.QubesException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Disposable ids as qubesd draws them ({@code VMCollection.get_new_unused_dispid} in
 * qubes/app.py; keep in sync): a random id below {@link #MAX_DISPID}, at most {@link #TRIES}
 * draws, never one in use nor one whose qube was deleted less than {@link #NO_REUSE_PERIOD} ago,
 * so a caller still holding an old name never reaches a new qube of that name. The recently
 * freed ids are kept in memory only, as qubesd's {@code _recent_dispids} are.
 *
 * <p>So a host that deletes more than about 9,900 disposables within a week runs out of ids, on
 * Qubes as here. The simulator's long benchmarks may shorten the wait with
 * {@link #reusedAfterFreed}, which Qubes does not do.
 */
public final class DispIds {

    /** {@code qubes.config.max_dispid}. */
    public static final int MAX_DISPID = 10_000;
    /** {@code int(max_dispid ** 0.5)} draws before qubesd gives up. */
    static final int TRIES = 100;
    /** {@code VMCollection._no_dispid_reuse_period}: one week. */
    public static final Duration NO_REUSE_PERIOD = Duration.ofDays(7);

    private final LongSupplier nanos;
    private final Random random;
    private final long noReuseNanos;
    private final int reuseAfterFreed;
    private final Set<Integer> inUse = new HashSet<>();
    /** Freed id to the host time it was freed, oldest first. */
    private final LinkedHashMap<Integer, Long> recent = new LinkedHashMap<>();

    private DispIds(LongSupplier nanos, Random random, int reuseAfterFreed) {
        this.nanos = nanos;
        this.random = random;
        this.noReuseNanos = NO_REUSE_PERIOD.toNanos();
        this.reuseAfterFreed = reuseAfterFreed;
    }

    /** qubesd's rule; {@code nanos} is host time. */
    public static DispIds qubesd(LongSupplier nanos, Random random) {
        return new DispIds(nanos, random, Integer.MAX_VALUE);
    }

    /**
     * qubesd's rule, and besides an id is drawable again once {@code others} ids were freed
     * after it: for simulated runs that make more than 10,000 disposables in a week of host time.
     */
    public static DispIds reusedAfterFreed(LongSupplier nanos, Random random, int others) {
        return new DispIds(nanos, random, others);
    }

    /** Draws a free id and marks it in use. */
    public synchronized int draw() {
        long now = nanos.getAsLong();
        for (int attempt = 0; attempt < TRIES; attempt++) {
            int id;
            synchronized (random) {
                id = random.nextInt(MAX_DISPID);
            }
            if (inUse.contains(id)) {
                continue;
            }
            Long freedAt = recent.get(id);
            if (freedAt != null && now - freedAt < noReuseNanos) {
                continue;
            }
            recent.remove(id);
            inUse.add(id);
            return id;
        }
        throw new QubesException(QubesException.GENERIC, "no free disposable id after " + TRIES + " draws: "
                + inUse.size() + " in use, " + recent.size() + " freed less than " + NO_REUSE_PERIOD.toDays()
                + " days ago (qubesd does not reuse an id for a week); remove disposables or wait");
    }

    /** An id already taken (a qube of a persisted inventory). */
    public synchronized void taken(int id) {
        inUse.add(id);
    }

    /** The qube of {@code id} was deleted: the id may be drawn again after the wait. */
    public synchronized void freed(int id) {
        if (!inUse.remove(id)) {
            return;
        }
        recent.put(id, nanos.getAsLong());
        if (recent.size() > reuseAfterFreed) {
            Iterator<Map.Entry<Integer, Long>> oldest = recent.entrySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }
}
