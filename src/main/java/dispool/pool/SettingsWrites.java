package dispool.pool;

import dispool.host.QubesException;
import dispool.host.QubesHost;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Several knob writes that stand or fall together (the global settings: dom0's
 * {@code preload-dispvm-max}, {@code -threshold}, {@code -delay} and {@code default_dispvm}). The
 * values are validated before ({@link DispoolEngine#updateGlobalSettings}); each write here first
 * reads what it replaces, and when the host refuses one, the writes before it are set back, newest
 * first, so a refusal never leaves half the change on the host. The host's refusal then goes to the
 * caller, saying what was set back.
 */
final class SettingsWrites {

    private static final System.Logger LOG = System.getLogger(SettingsWrites.class.getName());

    /** One write and how to set it back. */
    private record Write(String what, Runnable apply, Runnable undo) {
    }

    private final QubesHost host;
    private final List<Write> writes = new ArrayList<>();

    SettingsWrites(QubesHost host) {
        this.host = host;
    }

    /** {@code value} null: the feature is removed. */
    SettingsWrites feature(String qube, String feature, String value) {
        Optional<String> old = host.feature(qube, feature);
        writes.add(new Write(qube + " " + feature, () -> setFeature(qube, feature, value),
                () -> setFeature(qube, feature, old.orElse(null))));
        return this;
    }

    SettingsWrites globalProperty(String property, String value) {
        String old = host.globalProperty(property);
        writes.add(new Write(property, () -> host.setGlobalProperty(property, value),
                () -> host.setGlobalProperty(property, old)));
        return this;
    }

    /** Applies every write in order; on a refusal sets back those done and throws the refusal. */
    void apply() {
        Deque<Write> done = new ArrayDeque<>();
        for (Write w : writes) {
            try {
                w.apply().run();
            } catch (QubesException e) {
                List<String> setBack = undo(done);
                throw new QubesException(e.type(), e.getMessage() + " (writing " + w.what() + "; "
                        + (setBack.isEmpty() ? "nothing was written before it" : "set back: " + String.join(", ", setBack))
                        + ")", e);
            }
            done.push(w);
        }
    }

    private static List<String> undo(Deque<Write> done) {
        List<String> setBack = new ArrayList<>();
        for (Write w : done) {
            try {
                w.undo().run();
                setBack.add(w.what());
            } catch (QubesException e) {
                LOG.log(System.Logger.Level.ERROR, "could not set " + w.what() + " back after a refused settings change: "
                        + e.getMessage() + "; set it by hand (qvm-features dom0 / qubes-prefs)");
            }
        }
        return setBack;
    }

    private void setFeature(String qube, String feature, String value) {
        if (value == null) {
            host.removeFeature(qube, feature);
        } else {
            host.setFeature(qube, feature, value);
        }
    }
}
