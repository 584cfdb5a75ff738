package dispool.pool;

import dispool.host.QubesException;
import dispool.host.QubesHost;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Marks a DVM template ({@link #FEATURE}) while dispool creates disposables of it. Through the
 * Admin API, creating a disposable and writing its marks are separate calls, so a crash between
 * them leaves a Halted disposable with no mark; this mark on its template is what lets
 * {@link Recovery} tell it from a disposable someone else is creating.
 */
final class Creations {

    static final String FEATURE = "x-dispool-creating";
    private static final System.Logger LOG = System.getLogger(Creations.class.getName());

    private final QubesHost host;
    private final Map<String, int[]> inFlight = new ConcurrentHashMap<>();

    Creations(QubesHost host) {
        this.host = host;
    }

    /** Creates a disposable of {@code template} with {@code features}, the template marked meanwhile. */
    String create(String template, Map<String, String> features) {
        begin(template);
        try {
            return host.createDisposable(template, features);
        } finally {
            end(template);
        }
    }

    private void begin(String template) {
        int[] n = inFlight.computeIfAbsent(template, t -> new int[1]);
        synchronized (n) {
            if (n[0] == 0) {
                host.setFeature(template, FEATURE, Ownership.now());
            }
            n[0]++;
        }
    }

    private void end(String template) {
        int[] n = inFlight.get(template);
        synchronized (n) {
            if (--n[0] > 0) {
                return;
            }
            try {
                host.removeFeature(template, FEATURE);
            } catch (QubesException e) {
                // left set: the next recovery looks for unmarked disposables of the template, and clears it
                LOG.log(System.Logger.Level.WARNING, "could not clear " + FEATURE + " of " + template + ": " + e);
            }
        }
    }
}
