package dispool.pool;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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

    volatile PoolSettings settings;
    /** Bumped when the template changes; preloads of an older generation are outdated. */
    volatile int generation;
    /** The template as the last reconcile read it; null before the first. */
    volatile Fingerprint knownFingerprint;
    /** Set by a template change event until the next reconcile re-reads the template. */
    volatile boolean templateSuspect;
    volatile MemoryGate.Admission admission;
    volatile String lastFailure;
    /** When the pool's {@link RefillPolicy} lets it fill a gap. */
    final RefillTimers refill = new RefillTimers();

    Pool(String template, Backoff policy, PoolSettings initial) {
        this.template = template;
        this.backoff = new Backoff.State(policy);
        this.settings = initial;
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

    /** A preload may be handed out only when it is of the current template generation. */
    boolean isCurrent(Preload p) {
        return p.generation == generation && !templateSuspect;
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
