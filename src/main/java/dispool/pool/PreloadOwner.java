package dispool.pool;

/**
 * Who keeps the pools filled: dispool's engine, or the host itself. A Qubes R4.3 qubesd
 * (≥ v4.3.29) preloads natively once {@code preload-dispvm-max} is set; dispool must then not
 * preload a second time.
 */
public enum PreloadOwner {
    /** dispool creates, starts, waits on and pauses preloads ({@link PreloadLifecycle}). */
    DISPOOL,
    /**
     * The host preloads ({@link HostPreloads}): dispool never creates a preload, hands out through
     * the host's own disposable creation (which hands out one of its preloads when it has one)
     * and shows the pools from the host's {@code preload-dispvm} features.
     */
    HOST
}
