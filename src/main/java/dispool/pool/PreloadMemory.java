package dispool.pool;

import dispool.host.QubesHost;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the memory each paused preload holds ({@link QubesHost#currentMemoryKiB}, qubesd's
 * {@code admin.vm.CurrentState}) for the pool view and the metrics. From a management qube dispool
 * cannot hand a paused preload's surplus back to qmemman as R4.3 does before its pause (row 14),
 * so this figure is what shows what a pool keeps from other qubes.
 *
 * <p>A paused guest cannot balloon, so its memory is read once it is paused; again, for every
 * paused preload, on the periodic resync (qmemman may still move it); and on any reconcile for
 * a preload never read (adopted at a restart). Never on the hand-out path. A failed read leaves
 * the figure unknown until the next resync: it never fails a preload, and a call the host keeps
 * refusing is not repeated on every reconcile.
 */
final class PreloadMemory {

    /** Not read yet. */
    static final long UNREAD = -1;
    /** The read failed; the next resync tries again. */
    static final long UNREADABLE = -2;

    private static final System.Logger LOG = System.getLogger(PreloadMemory.class.getName());

    private final QubesHost host;
    /** Native mode: per DVM template, the memory of qubesd's paused preloads by name, read once each. */
    private final Map<String, Map<String, Long>> hostPreloads = new ConcurrentHashMap<>();

    PreloadMemory(QubesHost host) {
        this.host = host;
    }

    /** The starter just paused {@code p} and still owns it: its memory is read before it is ready. */
    void afterPause(Preload p) {
        p.memoryKiB = kibOf(p.name);
    }

    /** Reads a ready preload's memory again (never read, or the resync); only while it is free and ready. */
    void read(Preload p) {
        if (p.name != null && p.isFree() && p.state == PreloadState.READY) {
            p.memoryKiB = kibOf(p.name);
        }
    }

    /**
     * The reconcile's pass over a pool: every ready preload on the periodic resync
     * ({@link Pool#memoryToRead}), else only those never read.
     */
    void readPaused(Pool pool) {
        boolean all = pool.memoryToRead;
        pool.memoryToRead = false;
        for (Preload p : pool.preloads) {
            if (all || p.memoryKiB == UNREAD) {
                read(p);
            }
        }
    }

    /**
     * Native mode: the memory of qubesd's completed (paused) preload {@code name} of
     * {@code template} in KiB, read the first time the view sees it completed; names qubesd no
     * longer lists are forgotten by {@link #keepOnly}.
     */
    long ofHostPreload(String template, String name) {
        Map<String, Long> known = hostPreloads.computeIfAbsent(template, t -> new ConcurrentHashMap<>());
        Long kib = known.get(name);
        if (kib == null) {
            kib = kibOf(name);
            known.put(name, kib);
        }
        return kib;
    }

    /** Native mode's reconcile: on the periodic resync, qubesd's preloads are read again at the next view. */
    void forgetOnResync(Pool pool) {
        if (pool.memoryToRead) {
            pool.memoryToRead = false;
            hostPreloads.remove(pool.template);
        }
    }

    /** Forgets the host's preloads of {@code template} that are no longer listed. */
    void keepOnly(String template, Collection<String> listed) {
        Map<String, Long> known = hostPreloads.get(template);
        if (known != null) {
            known.keySet().retainAll(listed);
        }
    }

    /** The pool view's figure: MiB as qvm-ls shows it, or null when not known. */
    static Long mib(long kib) {
        return kib < 0 ? null : kib / 1024;
    }

    private long kibOf(String qube) {
        try {
            return host.currentMemoryKiB(qube);
        } catch (RuntimeException e) { // a host error or an unreadable answer: the figure only, never the preload
            LOG.log(System.Logger.Level.DEBUG, "cannot read the memory of " + qube + " (admin.vm.CurrentState): "
                    + e.getMessage() + "; its pool view shows none until the next resync");
            return UNREADABLE;
        }
    }
}
