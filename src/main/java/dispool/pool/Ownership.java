package dispool.pool;

import dispool.host.QubesException;
import dispool.host.QubesHost;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What dispool handed out, so it removes only its own (contract: the hand-out mark). Every
 * disposable dispool hands out carries the feature {@link #FEATURE} = the ISO-8601 UTC time of the
 * hand-out: a cold one from its creation, a preload from the bookkeeping after the caller has it.
 * Until that mark is written the name is kept here, in memory, so the caller can remove what it
 * was just handed; after a restart of dispool the mark on the host is what counts.
 */
final class Ownership {

    /** The mark, one name on every host (the {@code x-} prefix is left to users by Qubes). */
    static final String FEATURE = "x-dispool-handed-out";

    private final QubesHost host;
    private final Set<String> unmarked = ConcurrentHashMap.newKeySet();

    Ownership(QubesHost host) {
        this.host = host;
    }

    /** The mark's value: now, UTC, to the second, e.g. {@code 2026-12-01T04:07:00Z}. */
    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** The caller is about to get {@code name}; its mark follows ({@link #mark}). */
    void handingOut(String name) {
        unmarked.add(name);
    }

    /** Writes the mark of a disposable handed out; one already removed by its caller needs none. */
    void mark(String name) {
        try {
            host.setFeature(name, FEATURE, now());
            unmarked.remove(name);
        } catch (QubesException e) {
            if (e.is(QubesException.VM_NOT_FOUND)) {
                unmarked.remove(name);
            } else {
                throw e; // kept in memory: its caller can still remove it while this engine runs
            }
        }
    }

    /**
     * Refuses, with the reason, a removal of a qube dispool did not hand out: a {@code qvm-run
     * --dispvm} disposable, a disposable sys-usb, a preload of qubesd or of a pool.
     */
    void requireHandedOut(String name, String what) {
        if (unmarked.contains(name) || host.feature(name, FEATURE).isPresent()) {
            return;
        }
        throw DispoolException.forbidden("name", name, "a disposable dispool handed out (feature " + FEATURE + ")",
                name + " is " + what + " that dispool did not hand out (no " + FEATURE + " feature): dispool removes "
                        + "only the disposables it handed out; remove it with: qvm-kill " + name + " (it is left untouched)");
    }

    /** The caller removed it: nothing left to remember. */
    void removed(String name) {
        unmarked.remove(name);
    }
}
