package dispool.pool;

import dispool.host.Backoff;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The preloads of one DVM template, in creation order (hand-out order is first created first).
 *
 * <p>Preloads stay in {@link #preloads} from creation until their qube is handed out or removed;
 * their {@link Preload#claim} says who owns them, so a preload never moves between collections
 * when its state changes. Only free preloads count against the max ({@link #held()}).
 */
final class Pool {

    final String template;
    final List<Preload> preloads = new CopyOnWriteArrayList<>();
    final Backoff.State backoff;

    /** Written only by {@link #offerSettings}, through {@link SettingsReader#refresh}. */
    volatile PoolSettings settings;
    private long settingsReadAtNanos = Long.MIN_VALUE;
    /** Bumped when the template changes; preloads of an older generation are outdated. */
    volatile int generation;
    /** The template as the last reconcile read it; null before the first. */
    volatile Fingerprint knownFingerprint;
    /** Set by a template change event until the next reconcile re-reads the template. */
    volatile boolean templateSuspect;
    /**
     * Counts the {@code domain-shutdown}s of the DVM template and its TemplateVM (what ends an
     * update); until a reconcile has read the preloads' volumes after the last one
     * ({@link #volumesCheckedAt}), nothing is handed out.
     */
    final AtomicLong volumeChanges = new AtomicLong();
    volatile long volumesCheckedAt;
    /** The next reconcile reads the preloads' volumes without holding hand-outs (periodic resync). */
    volatile boolean volumesToCheck;
    /** The next reconcile reads the memory of every paused preload again (periodic resync; {@link PreloadMemory}). */
    volatile boolean memoryToRead;
    volatile MemoryGate.Admission admission;
    /** A disposable of this template that says {@code is_preload=True} and is not dispool's (managed mode); null if none seen. */
    volatile String hostPreload;
    volatile String lastFailure;
    final ListWriter listWriter = new ListWriter();
    /** When the pool's {@link RefillPolicy} lets it fill a gap. */
    final RefillTimers refill = new RefillTimers();
    /** The refill policy running the pool ({@link RefillPolicies}) and its last decision in words (null: none). */
    volatile String policy = RefillPolicies.QUBES;
    volatile String decision;
    /** The adaptive policy's last decision as a code (null: it has not decided for this pool). */
    volatile AdaptiveRefillPolicy.Reason adaptiveReason;
    /** The want of the last reconcile (-1: not decided yet): how many free preloads the policy asked for. */
    volatile int want = -1;
    /** The start-capacity estimate the adaptive policy last planned with (0: it has not planned for this pool). */
    volatile int startsAtOnce;
    /**
     * Preloads of a gap the policy said to fill that its start limit held back
     * ({@link RefillPolicy.Plan#maxStarts}): they start as starts finish, without a new timer.
     */
    volatile int deferredStarts;
    /**
     * Starts a reconcile decided and has not begun yet (it reads the memory figure in between):
     * they count as under way, so another pool's start limit sees them.
     */
    final AtomicInteger startsDecided = new AtomicInteger();

    Pool(String template, Backoff policy, PoolSettings initial) {
        this.template = template;
        this.backoff = new Backoff.State(policy);
        this.settings = initial;
    }

    /**
     * Stores settings read from the host unless a read that started later was stored already, so
     * a slow read never overwrites a newer one.
     */
    synchronized void offerSettings(PoolSettings read, long readStartedNanos) {
        if (readStartedNanos >= settingsReadAtNanos) {
            settingsReadAtNanos = readStartedNanos;
            settings = read;
        }
    }

    /** Free preloads, ready or starting: what counts against the max. */
    int held() {
        int n = 0;
        for (Preload p : preloads) {
            if (p.isFree()) {
                n++;
            }
        }
        return n;
    }

    /**
     * A preload may be handed out only when it is of the current template generation, its
     * volumes were not found outdated, and no template change awaits a re-read.
     */
    boolean isCurrent(Preload p) {
        return p.generation == generation && !p.outdated && !templateSuspect && volumesCheckedAt == volumeChanges.get();
    }

    /** Claims the first ready, current preload (FIFO); null when there is none. */
    Preload claimReady() {
        for (Preload p : preloads) {
            if (p.state == PreloadState.READY && isCurrent(p) && p.claimForHandOut()) {
                return p;
            }
        }
        return null;
    }

    /** Claims the oldest current preload still starting, to hand out as soon as it is operational. */
    Preload claimStarting() {
        for (Preload p : preloads) {
            if (p.state.isStarting() && isCurrent(p) && p.claimForHandOut()) {
                return p;
            }
        }
        return null;
    }

    /**
     * Preloads whose boot is under way: starting, and their starter not done with them yet (a
     * claimed one boots on for its requester; a failed or discarded one is over), and those a
     * reconcile decided to start and is about to.
     */
    int startsUnderWay() {
        int n = startsDecided.get();
        for (Preload p : preloads) {
            if (p.state.isStarting() && !p.settled.isDone()) {
                n++;
            }
        }
        return n;
    }

    /** Free preloads, newest first: the order in which an excess is removed. */
    List<Preload> freeNewestFirst() {
        List<Preload> out = new ArrayList<>();
        for (Preload p : preloads) {
            if (p.isFree()) {
                out.add(p);
            }
        }
        Collections.reverse(out);
        return out;
    }

    /** Names for the template's list feature: every named preload not yet handed out or removed. */
    List<String> listedNames() {
        List<String> names = new ArrayList<>();
        for (Preload p : preloads) {
            if (p.name != null && !p.isClaimedForHandOut()) {
                names.add(p.name);
            }
        }
        return names;
    }

    Preload find(String qube) {
        for (Preload p : preloads) {
            if (qube.equals(p.name)) {
                return p;
            }
        }
        return null;
    }
}
