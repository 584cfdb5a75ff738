package dispool.pool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One disposable that the engine makes ahead of a request.
 *
 * <p>Ownership is one int, {@link #claim}, changed only by compare-and-set from {@code FREE}: the
 * requester that wins {@code FREE → HAND_OUT} is the only one that may hand it out; whoever wins
 * {@code FREE → REMOVE} is the only one that removes it. A loser moves on to the next preload.
 * This is what makes "handed out at most once" hold without a lock.
 *
 * <p>{@link #settled} completes once the starter thread is done with the qube: {@code true} when
 * it left it paused, {@code false} when it left it running for a requester that claimed it during
 * startup, or exceptionally when startup failed. Removal always waits for it, so the starter and a
 * remover never act on the qube at the same time.
 */
public final class Preload {

    static final int FREE = 0;
    static final int HAND_OUT = 1;
    static final int REMOVE = 2;

    private static final AtomicIntegerFieldUpdater<Preload> CLAIM =
            AtomicIntegerFieldUpdater.newUpdater(Preload.class, "claim");

    final String template;
    final long createdNanos;
    final CompletableFuture<Boolean> settled = new CompletableFuture<>();
    /**
     * Completes when the host's start of the qube returned (its qrexec agent is up). A requester
     * that claimed it while starting uses it from then on: qubesd marks a requested preload
     * complete right after {@code domain-start}, skipping the readiness wait (c842c326), so its
     * refill starts there, not when dispool's readiness wait for the caller ends.
     */
    final CompletableFuture<Void> booted = new CompletableFuture<>();
    /** Template generation this preload was made from; an older one is outdated. */
    volatile int generation;
    volatile String name;
    volatile PreloadState state;
    /** Its volumes were found outdated (the template was updated since its start): never handed out. */
    volatile boolean outdated;
    /** What it holds while paused, in KiB ({@link PreloadMemory}); negative while not known. */
    volatile long memoryKiB = PreloadMemory.UNREAD;
    private volatile int claim;

    Preload(String template, int generation, long createdNanos, PreloadState state) {
        this.template = template;
        this.generation = generation;
        this.createdNanos = createdNanos;
        this.state = state;
    }

    /** A preload found on the host at restart: already operational and paused. */
    static Preload adopted(String template, String name, int generation, long nowNanos) {
        Preload p = new Preload(template, generation, nowNanos, PreloadState.READY);
        p.name = name;
        p.booted.complete(null);
        p.settled.complete(Boolean.TRUE);
        return p;
    }

    boolean claimForHandOut() {
        return CLAIM.compareAndSet(this, FREE, HAND_OUT);
    }

    boolean claimForRemoval() {
        return CLAIM.compareAndSet(this, FREE, REMOVE);
    }

    boolean isFree() {
        return claim == FREE;
    }

    boolean isClaimedForHandOut() {
        return claim == HAND_OUT;
    }

    boolean isClaimedForRemoval() {
        return claim == REMOVE;
    }

    @Override
    public String toString() {
        return (name == null ? "(creating)" : name) + "[" + template + " " + state + "]";
    }
}
