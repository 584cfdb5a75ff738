package dispool.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * How many refusals of one peer reach the audit file: per peer and minute, the first
 * {@code perMinute} are written; the rest are counted, and the count is written as a summary line
 * every {@value #SUMMARY_EVERY} left out and when the minute ends. A flood thus writes a few lines a
 * minute per peer instead of one per request. Peers beyond {@value #MAX_PEERS} at once share one
 * count, so the table stays bounded however many addresses a flood comes from.
 */
final class RefusalLimiter {

    static final long WINDOW_MS = 60_000;
    static final int SUMMARY_EVERY = 1000;
    static final int MAX_PEERS = 10_000;
    static final String OTHER_PEERS = "other-peers";

    /** Refusals of {@code peer} left out of the file in the minute from {@code sinceMs}. */
    record Summary(String peer, long sinceMs, long notWritten) {
    }

    private static final class Window {
        final long startMs;
        int written;
        long unreported;

        Window(long startMs) {
            this.startMs = startMs;
        }
    }

    private final int perMinute;
    private final Map<String, Window> windows = new HashMap<>();
    private long sweptMs = Long.MIN_VALUE;

    RefusalLimiter(int perMinute) {
        this.perMinute = perMinute;
    }

    /**
     * Counts one refusal of {@code peer}; true when it is to be written. {@code summaries} gets the
     * counts that are due: of minutes that ended, and every {@value #SUMMARY_EVERY} left out.
     */
    synchronized boolean admit(String peer, long nowMs, List<Summary> summaries) {
        if (nowMs - sweptMs >= 1000) { // a sweep walks every peer: at most once a second, not per refusal
            summaries.addAll(ended(nowMs));
        }
        String key = windows.containsKey(peer) || windows.size() < MAX_PEERS ? peer : OTHER_PEERS;
        Window w = windows.computeIfAbsent(key, k -> new Window(nowMs));
        if (w.written < perMinute) {
            w.written++;
            return true;
        }
        if (++w.unreported == SUMMARY_EVERY) {
            summaries.add(new Summary(key, w.startMs, w.unreported));
            w.unreported = 0;
        }
        return false;
    }

    /** The counts of minutes that ended by {@code nowMs} (their windows are dropped). */
    synchronized List<Summary> ended(long nowMs) {
        sweptMs = nowMs;
        List<Summary> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Window> e = it.next();
            Window w = e.getValue();
            if (nowMs - w.startMs >= WINDOW_MS) {
                if (w.unreported > 0) {
                    out.add(new Summary(e.getKey(), w.startMs, w.unreported));
                }
                it.remove();
            }
        }
        return out;
    }
}
