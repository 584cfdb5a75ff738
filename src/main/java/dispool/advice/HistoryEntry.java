package dispool.advice;

/**
 * One line of a template's hand-out history, as stored (one JSON object per line).
 *
 * @param at       when, epoch milliseconds of the service's clock (see {@link HistoryRecorder})
 * @param template the DVM template
 * @param kind     what the line records
 * @param path     for a hand-out: {@link #READY}, {@link #WAITED} or {@link #COLD}; else null
 * @param ms       a hand-out's request → usable time, or a refill's start → ready time (host ms)
 * @param held     for {@link Kind#HELD}: the preloads the pool holds from now on (any state)
 */
public record HistoryEntry(long at, String template, Kind kind, String path, double ms, int held) {

    /** A ready preload was handed out. */
    public static final String READY = "ready";
    /** A preload still starting was claimed and waited for. */
    public static final String WAITED = "waited";
    /** No preload: a disposable was created and started for the request. */
    public static final String COLD = "cold";

    public enum Kind {
        /** A request was served. */
        HAND_OUT,
        /** The number of preloads held changed (one started, or one left the pool). */
        HELD,
        /** A preload became ready: {@code ms} is how long it took from its start. */
        REFILL
    }

    static HistoryEntry handOut(long at, String template, String path, double usableAfterMs) {
        return new HistoryEntry(at, template, Kind.HAND_OUT, path, usableAfterMs, 0);
    }

    static HistoryEntry held(long at, String template, int held) {
        return new HistoryEntry(at, template, Kind.HELD, null, 0, held);
    }

    static HistoryEntry refill(long at, String template, double startToReadyMs) {
        return new HistoryEntry(at, template, Kind.REFILL, null, startToReadyMs, 0);
    }

    /** True for a hand-out that found no ready preload. */
    public boolean missed() {
        return kind == Kind.HAND_OUT && !READY.equals(path);
    }
}
