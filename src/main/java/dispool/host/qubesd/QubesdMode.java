package dispool.host.qubesd;

/**
 * Who preloads on a Qubes host (config {@code dispool.qubes.mode}; written {@code auto},
 * {@code managed}, {@code native}).
 */
public enum QubesdMode {
    /** Detect at start with {@link ModeDetection}. */
    AUTO,
    /**
     * dispool preloads, as on the simulator; its bookkeeping features carry the {@code x-dispool-}
     * prefix so they never collide with qubesd's own {@code preload-dispvm*} names.
     */
    MANAGED,
    /** qubesd preloads by itself (R4.3 ≥ v4.3.29); dispool must not preload a second time. */
    NATIVE
}
