package dispool.host.qemu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * What a killed dispool leaves in the state directory besides the guests it re-attaches: QEMU
 * and qemu-img processes it had started (a launch or an overlay in flight when it died goes on
 * without it) and directories that no qube accounts for any more.
 *
 * <p>They are cleared in rounds: every such process is SIGKILLed and waited for, then the
 * directories are deleted. A launch in flight can exec QEMU just after a round read the process
 * table, and that QEMU creates its sockets and console log while the directory is deleted; the
 * next round kills it and deletes again. Once a directory is gone, a QEMU launched later cannot
 * create its console log and exits by itself. Only the configured QEMU and qemu-img binaries are
 * killed: a {@code tail -f} of a console log is the user's.
 */
final class StrayGuests {

    private static final Logger LOG = Logger.getLogger(StrayGuests.class);
    /** Rounds before a state directory that does not settle is an error. */
    static final int ROUNDS = 5;

    private final QemuSettings settings;
    private final Path vms;

    StrayGuests(QemuSettings settings, Path vms) {
        this.settings = settings;
        this.vms = vms;
    }

    /**
     * Kills the processes not in {@code attached} and deletes {@code dirs}, until a round finds
     * nothing to kill and every directory is gone.
     */
    void clear(Set<Long> attached, List<Path> dirs) {
        List<GuestProcesses.Running> killed = List.of();
        List<Path> busy = dirs;
        for (int round = 1; round <= ROUNDS; round++) {
            killed = killAll(attached);
            busy = busy.stream().filter(d -> !GuestDirs.tryDelete(d)).toList();
            if (killed.isEmpty() && busy.isEmpty()) {
                return;
            }
        }
        throw new IllegalStateException("the QEMU state directory " + vms + " does not settle after " + ROUNDS
                + " rounds: still killing " + killed.stream().map(GuestProcesses.Running::commandLine).toList()
                + ", still not removable " + busy + "; stop what starts them (fuser -v " + vms + ") and start again");
    }

    private List<GuestProcesses.Running> killAll(Set<Long> attached) {
        List<GuestProcesses.Running> killed = new ArrayList<>();
        for (GuestProcesses.Running p : GuestProcesses.all(vms + "/")) {
            if (isOurs(p) && !attached.contains(p.pid())) {
                LOG.warnf("killing %s process %d that no qube of %s accounts for: %s", p.program(), p.pid(),
                        settings.stateDir(), p.commandLine());
                ProcessHandle.of(p.pid()).ifPresent(h -> kill(h, p));
                killed.add(p);
            }
        }
        return killed;
    }

    private boolean isOurs(GuestProcesses.Running p) {
        return p.program().equals(settings.qemu()) || p.program().equals(settings.qemuImg());
    }

    /** SIGKILL, then wait: a directory is deleted only once nothing can write into it any more. */
    private void kill(ProcessHandle h, GuestProcesses.Running p) {
        h.destroyForcibly();
        Duration within = settings.callTimeout();
        if (!GuestProcesses.exited(h, within)) {
            throw new IllegalStateException("process " + p.pid() + " (" + p.commandLine() + ") did not exit within "
                    + within.toMillis() + " ms of SIGKILL; dispool cannot clear " + vms + " while it lives");
        }
    }
}
