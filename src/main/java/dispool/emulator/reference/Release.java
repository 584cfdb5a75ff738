package dispool.emulator.reference;

import java.util.List;

/**
 * Which qubes-core-admin the reference follows. The two differ on three preload rules, all from
 * commits on {@code main} that {@code release4.3} does not have: {@code main} also waits for
 * {@code qubes.WaitForSession} before pausing a preload of a GUI template with a late GUI daemon,
 * needs {@code supported-rpc.qubes.WaitForSession} to preload at all (83769864), and refuses
 * {@code template_for_dispvms=False} while the qube is anyone's {@code default_dispvm},
 * {@code management_dispvm} or {@code template} rather than while ordinary disposables of it exist
 * (95895a4b).
 */
public enum Release {
    /** {@code release4.3} as released (v4.3.50, 68fc8b6). */
    R43,
    /** {@code main} (1ad5f9b8). */
    MAIN;

    static final String WAIT_RUNNING = "qubes.WaitForRunningSystem";
    static final String WAIT_SESSION = "qubes.WaitForSession";

    /** The services {@code supports_preload} asks for, each as {@code supported-rpc.SERVICE}. */
    List<String> preloadServices() {
        return this == R43 ? List.of(WAIT_RUNNING) : List.of(WAIT_RUNNING, WAIT_SESSION);
    }
}
