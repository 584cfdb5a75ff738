package dispool.host.qemu;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dispool.host.model.ModelQube;

/**
 * One qube of the QEMU host as persisted in the state directory (Jackson fields): class,
 * properties and features as strings, and for a disposable what its volumes were snapshotted
 * from. The power state is never persisted: it is read from the QEMU process at every start.
 */
final class QemuQube extends ModelQube {

    /** A disposable was launched once: with no QEMU process left, it is gone (auto cleanup). */
    public boolean launched;
    /** Modification time (ms) of the guest's kernel and initramfs when this disposable started. */
    public long rootSnapshot;
    /** Modification time (ms) of the DVM template's disk when this disposable started; 0 without a disk. */
    public long privateSnapshot;

    /** Counts boots, so a late event of an earlier boot does not touch a later one. */
    @JsonIgnore
    int boot;
    @JsonIgnore
    QemuVm vm;
    /** This boot's agent has answered (it no longer boots). */
    @JsonIgnore
    boolean answered;
    /** When this boot was last paused (System.nanoTime), 0 if never: how long a preload waited. */
    @JsonIgnore
    long pausedAt;

    QemuQube() {
    }

    QemuQube(String name, String klass) {
        super(name, klass);
        properties.put("name", name);
    }
}
