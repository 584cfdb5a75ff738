package dispool.pool;

import java.util.Map;

/**
 * The bookkeeping features that survive a restart of dispool, in Qubes R4.3's names:
 * {@code preload-dispvm} (the template's list, hand-out order), {@code preload-dispvm-in-progress}
 * and {@code preload-dispvm-completed} on the disposable, and {@code internal} (hides it from
 * menus). On a real Qubes host whose qubesd owns those names, the same marks carry a prefix that
 * Qubes leaves to users ({@code x-dispool-}), so dispool never writes qubesd's own bookkeeping.
 * {@code internal} keeps its name: it is what makes menus hide the preload.
 */
public record Marks(String list, String inProgress, String completed, String internal) {

    public static Marks qubes() {
        return prefixed("");
    }

    public static Marks prefixed(String prefix) {
        return new Marks(prefix + "preload-dispvm", prefix + "preload-dispvm-in-progress",
                prefix + "preload-dispvm-completed", "internal");
    }

    /** Set together with the creation, so no crash can leave an unmarked preload behind. */
    Map<String, String> preloadCreation() {
        return Map.of(inProgress, "1", internal, "1");
    }

    /**
     * A cold disposable is in progress until operational, so a crash mid-start removes it; it is
     * created already marked as handed out ({@link Ownership#FEATURE}), so its caller may remove it.
     */
    Map<String, String> coldCreation(String handedOutAt) {
        return Map.of(inProgress, "1", Ownership.FEATURE, handedOutAt);
    }
}
