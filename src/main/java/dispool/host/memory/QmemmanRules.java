package dispool.host.memory;

import java.time.Duration;

/**
 * How a {@link Qmemman} computes and publishes available memory. {@link #QUBES_R43} holds
 * qmemman's own constants as read from qubes-core-admin {@code release4.3}
 * ({@code qubes/qmemman/algo.py}, {@code systemstate.py}, {@code qubes/vm/dispvm.py}); {@link #SUM}
 * is the figure the simulator gave before it had a memory model (every running qube counts at its
 * {@code memory}, the figure moves at once), which the simulator keeps by default so tests
 * calibrated on it keep their meaning.
 *
 * @param cacheFactor     {@code CACHE_FACTOR}: a qube prefers this many times what it uses
 * @param minPrefMiB      {@code MIN_PREFMEM}: no qube but dom0 prefers less
 * @param dom0BoostMiB    {@code DOM0_MEM_BOOST}: dom0 prefers this much more, for its disk caches
 * @param freeLeftMiB     {@code XEN_FREE_MEM_LEFT}: what qmemman always leaves free in Xen
 * @param meminfoDelay    a started qube counts at its initial memory until its guest first reports
 *                        what it uses (the {@code meminfo} xenstore key qmemmand watches)
 * @param publishDelay    the file qubesd reads is rewritten at the end of a balance
 *                        ({@code do_balance}), this long after the change that triggered it
 * @param balloonsUp      the balance hands free memory to running qubes (proportionally to what they
 *                        prefer), so a qube paused without giving it back holds memory a start cannot get
 * @param shrinkPreloads  qubesd sets a preload's memory to its preferred size before pausing it
 *                        ({@code DispVM.on_domain_pre_paused}, R4.3)
 */
public record QmemmanRules(double cacheFactor, long minPrefMiB, long dom0BoostMiB, long freeLeftMiB, Duration meminfoDelay,
        Duration publishDelay, boolean balloonsUp, boolean shrinkPreloads) {

    /** qmemman on R4.3, with a guest's first meminfo report 2 s after its start and a balance of 0.1 s ({@code BALLOON_DELAY}). */
    public static final QmemmanRules QUBES_R43 = new QmemmanRules(1.3, 200, 350, 50, Duration.ofSeconds(2),
            Duration.ofMillis(100), true, true);

    /** total − dom0 − Σ memory − 50 MiB, at once: what the simulator computed before this model. */
    public static final QmemmanRules SUM = new QmemmanRules(1.0, 0, 0, 50, Duration.ZERO, Duration.ZERO, false, false);

    public QmemmanRules {
        if (cacheFactor < 1.0) {
            throw new IllegalArgumentException("qmemman cache factor " + cacheFactor + " refused: 1.0 or more (Qubes: 1.3)");
        }
        if (minPrefMiB < 0 || dom0BoostMiB < 0 || freeLeftMiB < 0) {
            throw new IllegalArgumentException("qmemman sizes refused: min pref " + minPrefMiB + ", dom0 boost " + dom0BoostMiB
                    + ", free left " + freeLeftMiB + " MiB; each 0 or more");
        }
        if (meminfoDelay.isNegative() || publishDelay.isNegative()) {
            throw new IllegalArgumentException("qmemman delays refused: meminfo " + meminfoDelay + ", publish " + publishDelay
                    + "; each 0 or more");
        }
    }

    /** The same rules with R4.2's pause: a preload keeps what it ballooned to (no {@code domain-pre-paused} request). */
    public QmemmanRules withoutPreloadShrink() {
        return new QmemmanRules(cacheFactor, minPrefMiB, dom0BoostMiB, freeLeftMiB, meminfoDelay, publishDelay, balloonsUp, false);
    }

    /**
     * {@code pref_mem}: what a qube using {@code usedMiB} prefers, capped at {@code maxMiB}; at
     * least {@link #minPrefMiB} except for dom0, which gets {@link #dom0BoostMiB} on top.
     */
    long preferredMiB(boolean dom0, long usedMiB, long maxMiB) {
        double wanted = usedMiB * cacheFactor;
        if (dom0) {
            return (long) Math.min(wanted + dom0BoostMiB, maxMiB);
        }
        return (long) Math.max(Math.min(wanted, maxMiB), minPrefMiB);
    }
}
