package dispool.pool;

import java.util.Map;

/**
 * The bookkeeping features that survive a restart of dispool, in Qubes R4.3's names:
 * {@code preload-dispvm} (the template's list, hand-out order), {@code preload-dispvm-in-progress}
 * and {@code preload-dispvm-completed} on the disposable, and {@code internal} (hides it from
 * menus). On a real Qubes host whose qubesd owns those names, dispool writes its own names
 * instead, so it never writes qubesd's bookkeeping: on the disposable the prefix Qubes leaves to
 * users ({@code x-dispool-}); on the DVM template {@code preload-dispvm-x-dispool-list}, because
 * qubesd copies every feature of a DVM template but {@code preload-dispvm*} into each disposable
 * made from it, anyone's (qubes/vm/dispvm.py, {@code DispVM.__init__}), and qvm-clone and backups
 * copy none of them but {@code preload-dispvm-max} (qubesadmin/app.py {@code clone_vm},
 * qubes/backup.py). {@code internal} keeps its name: it is what makes menus hide the preload.
 */
public record Marks(String list, String inProgress, String completed, String internal) {

    public static Marks qubes() {
        return new Marks("preload-dispvm", "preload-dispvm-in-progress", "preload-dispvm-completed", "internal");
    }

    public static Marks prefixed(String prefix) {
        return new Marks("preload-dispvm-" + prefix + "list", prefix + "preload-dispvm-in-progress",
                prefix + "preload-dispvm-completed", "internal");
    }

    /** The template's list under its name before 2026-12 ({@code x-dispool-preload-dispvm}), read once by {@link Recovery}. */
    String legacyList() {
        return inProgress.substring(0, inProgress.length() - "-in-progress".length());
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
