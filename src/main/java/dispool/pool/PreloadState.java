package dispool.pool;

/**
 * Where one preload stands in its lifecycle (see {@link PreloadLifecycle} for the whole story).
 * Progress is written only by the thread that works on the preload; who owns the preload's fate
 * is a separate field, {@link Preload#claim}.
 */
public enum PreloadState {
    CREATING, STARTING, WAITING_OPERATIONAL, PAUSING, READY,
    /** A requester took it; unpausing or waiting for it to be operational. */
    CLAIMED,
    HANDED_OUT,
    /** Taken out of the pool (outdated, excess, suspend, failure); being killed and removed. */
    DISCARDED,
    REMOVED;

    /** True while the preload is still being made (not yet operational and paused). */
    public boolean isStarting() {
        return this == CREATING || this == STARTING || this == WAITING_OPERATIONAL || this == PAUSING;
    }
}
