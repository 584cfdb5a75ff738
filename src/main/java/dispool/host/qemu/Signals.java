package dispool.host.qemu;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * SIGSTOP and SIGCONT to a QEMU process, which the JDK cannot send ({@link ProcessHandle} has
 * only SIGTERM and SIGKILL): kill(2) through libc via JNA, a system call and no fork. Signal
 * numbers are Linux's on x86 and ARM, where the QEMU host runs.
 */
interface Signals {

    /** Stops every thread of {@code pid}; false when there is no such process (it exited). */
    boolean stop(long pid);

    /** Continues a stopped {@code pid}; false when there is no such process. */
    boolean cont(long pid);

    /** The real ones, through libc. */
    Signals LIBC = new Signals() {
        @Override
        public boolean stop(long pid) {
            return LibC.INSTANCE.kill((int) pid, LibC.SIGSTOP) == 0;
        }

        @Override
        public boolean cont(long pid) {
            return LibC.INSTANCE.kill((int) pid, LibC.SIGCONT) == 0;
        }
    };

    /** The one libc call. */
    interface LibC extends Library {
        int SIGCONT = 18;
        int SIGSTOP = 19;
        LibC INSTANCE = Native.load("c", LibC.class);

        int kill(int pid, int signal);
    }
}
