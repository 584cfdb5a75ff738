package dispool.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Every setting of the service, with its unit and default. The pool knobs themselves are not
 * here: they are Qubes features on the host ({@code preload-dispvm-max} and friends), set with
 * {@code qvm-features} or the REST API. {@code config/application.properties} lists all of these
 * with comments.
 */
@ConfigMapping(prefix = "dispool")
public interface DispoolConfig {

    /**
     * Which host runs the qubes: {@code sim}, the embedded simulator, or {@code qubesd}, a real
     * Qubes OS (or dispool's emulator of it) through the Admin API, see {@link #qubes()};
     * {@code qemu}, disposables as QEMU micro-VMs on this machine, see {@link #qemu()}. Default sim.
     */
    @WithDefault("sim")
    HostKind host();

    Engine engine();

    Sim sim();

    Qubes qubes();

    Api api();

    Audit audit();

    Qemu qemu();

    enum HostKind { sim, qubesd, qemu }

    /** The QEMU host (used when {@code dispool.host=qemu}): disposables are QEMU micro-VMs. */
    interface Qemu {
        /** Inventory, sockets, pid files and disk overlays; survives restarts. Default ~/.local/state/dispool/qemu. */
        @WithDefault("${user.home}/.local/state/dispool/qemu")
        String stateDir();

        /** Where deploy/qemu/build-guest.sh put the guest (vmlinuz, initramfs.img, disk.qcow2). Default ~/.cache/dispool/guest. */
        @WithDefault("${user.home}/.cache/dispool/guest")
        String guestDir();

        /** The QEMU binary. Default qemu-system-x86_64 (on PATH). */
        @WithDefault("qemu-system-x86_64")
        String binary();

        /** Makes the disposables' disk overlays. Default qemu-img (on PATH). */
        @WithDefault("qemu-img")
        String qemuImg();

        /** {@code auto} (KVM when a short probe boot answers under it, else TCG), {@code kvm} or {@code tcg}. Default auto. */
        @WithDefault("auto")
        String accelerator();

        /** MiB the guests may take together; available = min(MemAvailable, budget − running guests). Default unset. */
        OptionalLong memoryBudgetMib();

        /** How long a guest may take to quit over QMP before SIGKILL. Default 5s. */
        @WithDefault("5s")
        Duration killGrace();

        /** Longest wait for QEMU to launch, one QMP reply or one agent round trip. Default 30s. */
        @WithDefault("30s")
        Duration callTimeout();

        /** The global default_dispvm; must be one of {@link #templates()}. */
        Optional<String> defaultDispvm();

        /** Features set on dom0 when the inventory is first created, e.g. {@code preload-dispvm-threshold=500}. */
        Map<String, String> dom0Features();

        /** DVM templates by name. */
        Map<String, QemuTemplate> templates();
    }

    /** One DVM template of the QEMU host: its guest, memory and vCPUs. */
    interface QemuTemplate {
        /** The TemplateVM its guest image stands for. Default debian-guest. */
        @WithDefault("debian-guest")
        String template();

        /** Kernel; relative to guest-dir unless absolute. Default vmlinuz. */
        @WithDefault("vmlinuz")
        String kernel();

        /** Initramfs holding busybox and the agent; relative to guest-dir unless absolute. Default initramfs.img. */
        @WithDefault("initramfs.img")
        String initramfs();

        /** A disk of which each disposable gets a copy-on-write overlay; relative to guest-dir; unset = none. */
        Optional<String> disk();

        /** Memory of each disposable, MiB (the qube's {@code memory}). Default 256. */
        @WithDefault("256")
        long memoryMib();

        /** vCPUs of each disposable. Default 1. */
        @WithDefault("1")
        int vcpus();

        /** Features set on the template when it is first added, e.g. {@code preload-dispvm-max=2}. */
        Map<String, String> features();
    }

    /** How dispool reaches qubesd (used when {@code dispool.host=qubesd}). */
    interface Qubes {
        /**
         * {@code socket}: dispool runs in dom0 and calls qubesd's Unix socket ({@link #socket()});
         * {@code qrexec}: dispool runs in a management qube and calls through
         * {@code qrexec-client-vm}, allowed by dom0's policy (deploy/qubes-policy/). Default socket.
         */
        @WithDefault("socket")
        TransportKind transport();

        /** qubesd's socket in dom0 (caller must be root or in group qubes). Default /var/run/qubesd.sock. */
        @WithDefault("/var/run/qubesd.sock")
        String socket();

        /** dom0's qrexec client, used to run readiness services. Default /usr/lib/qubes/qrexec-client. */
        @WithDefault("/usr/lib/qubes/qrexec-client")
        String qrexecClient();

        /** The management qube's qrexec client (found on PATH). Default qrexec-client-vm. */
        @WithDefault("qrexec-client-vm")
        String qrexecClientVm();

        /**
         * How readiness services ({@code qubes.WaitForRunningSystem}) run: {@code qrexec}, through
         * the qrexec client of the transport (a real Qubes OS); {@code emulator}, through the
         * emulator of {@code dispool sim-qubesd}, whose simulated qubes have no qrexec. A setting,
         * never probed from the host: nothing a qube can write may change it. Default qrexec.
         */
        @WithDefault("qrexec")
        ServicesKind services();

        /**
         * {@code managed}: dispool preloads itself, keeping its bookkeeping under
         * {@code x-dispool-}-prefixed features (R4.2, or a qubesd without native preloading);
         * {@code native}: qubesd preloads (R4.3 ≥ v4.3.29) and dispool hands out through
         * {@code admin.vm.CreateDisposable}; {@code auto}: detected at start (see the log line).
         * Default auto.
         */
        @WithDefault("auto")
        dispool.host.qubesd.QubesdMode mode();

        /**
         * Whose preload rules dispool follows: {@code r43}, qubes-core-admin release4.3 as released
         * (preloads wait for {@code qubes.WaitForRunningSystem}); {@code main}, its main branch,
         * which also needs {@code supported-rpc.qubes.WaitForSession} to preload and waits for the
         * GUI session of a template with a late GUI daemon. qubesd tells no version, so this is a
         * setting, not detected. Default r43.
         */
        @WithDefault("r43")
        dispool.pool.QubesRules rules();

        /**
         * Where dispool records the name of each disposable it is creating, before the Admin API
         * call: after a crash, a qube named there that never got its marks is provably dispool's
         * and is removed (nothing else is). Default ~/.local/state/dispool/creations.
         */
        @WithDefault("${user.home}/.local/state/dispool/creations")
        String creationsFile();

        /**
         * Memory in MiB that dispool's preloads may take, used when qmemman's file
         * ({@link #qmemmanFile()}) does not exist (R4.2, a management qube): available = budget −
         * memory of dispool's running preloads. Unset (and no file): preloading is not gated by
         * memory (a warning says so). Default unset.
         */
        OptionalLong memoryBudgetMib();

        /** qmemman's available-memory file (bytes; R4.3 ≥ v4.3.29, dom0). Default /var/run/qubes/qmemman-avail-mem. */
        @WithDefault("/var/run/qubes/qmemman-avail-mem")
        String qmemmanFile();

        /** Longest wait for the reply to one Admin API call before it is cut off. Default 5m. */
        @WithDefault("5m")
        Duration callTimeout();

        /** First wait before reconnecting a lost admin.Events stream; doubles per failure. Default 1s (as qubesadmin). */
        @WithDefault("1s")
        Duration eventsReconnectInitial();

        /** Longest wait between admin.Events reconnect attempts. Default 30s. */
        @WithDefault("30s")
        Duration eventsReconnectMax();
    }

    enum TransportKind { socket, qrexec }

    enum ServicesKind { qrexec, emulator }

    /**
     * Who may call the REST API. On TCP (quarkus.http.host/port, loopback by default) a caller
     * shows the bearer token of {@link #tokenFile()}; on the Unix socket {@link #socket()} the
     * file's owner, group and mode decide who may connect, as for qubesd's own socket.
     */
    interface Api {
        /**
         * A Unix socket to serve the API on as well, e.g. {@code /run/dispool/dispool.sock}; its
         * directory is created. Calls on it need no token; the audit log records the caller's uid.
         * Default: unset (no socket).
         */
        Optional<String> socket();

        /** Group that may connect to {@link #socket()} (mode 0660). Default qubes, as qubesd's socket. */
        @WithDefault("qubes")
        String socketGroup();

        /**
         * The bearer token TCP callers send ({@code Authorization: Bearer TOKEN}); created with a
         * random token, mode 0600, at the first start. Default ~/.config/dispool/api-token.
         */
        @WithDefault("${user.home}/.config/dispool/api-token")
        String tokenFile();

        /** Whether read-only calls (GET) on TCP may go without the token. Default false. */
        @WithDefault("false")
        boolean readWithoutToken();

        /**
         * Whether PUT /api/v1/settings may change the global {@code default_dispvm} (every qube's
         * Open-in-DisposableVM target). Default false: refused with 403.
         */
        @WithDefault("false")
        boolean allowDefaultDispvmChange();

        /**
         * Longest a connection (TCP or the socket) may take to send a request's complete head, from
         * its accept and whenever it has no request in flight; then it is closed. Bytes dribbled in
         * do not extend it, as they do the idle timeout. Default 10s.
         */
        @WithDefault("10s")
        Duration headerTimeout();
    }

    /**
     * The audit log: one JSON line per hand-out, removal, knob change, suspend/resume and refused
     * call. The file, its size limit and the number of rotated files are wired to a JBoss
     * LogManager size-rotating handler in the built-in application.properties.
     */
    interface Audit {
        /** The audit file; its directories are created. Default ~/.local/state/dispool/audit.log. */
        @WithDefault("${user.home}/.local/state/dispool/audit.log")
        String file();

        /** Size at which the file is rotated (audit.log.1, .2, …). Default 10M. */
        @WithDefault("10M")
        String maxSize();

        /** How many rotated files are kept (of each of the two files). Default 5. */
        @WithDefault("5")
        int keep();

        /**
         * Where calls refused at the door go (no or a wrong token, a foreign {@code Host} or
         * {@code Origin}, a malformed or oversized request), apart from {@link #file()}: however
         * many arrive, they never rotate an authorised action away. Same size and rotation as
         * {@link #file()}. Default ~/.local/state/dispool/audit-refused.log.
         */
        @WithDefault("${user.home}/.local/state/dispool/audit-refused.log")
        String refusedFile();

        /**
         * Refused calls written per peer (the uid on the socket, the address on TCP) and minute;
         * the rest are counted in one summary line per peer and minute. Default 20.
         */
        @WithDefault("20")
        int refusalsPerMinute();
    }

    /** The engine's own timing; durations are host time (the simulator may run faster). */
    interface Engine {
        /**
         * Whether the service runs the engine (recovery, preloading). Off in the {@code cli}
         * profile, where {@code dispool <tool>} must not preload beside a running service. Default true.
         */
        @WithDefault("true")
        boolean enabled();

        /** How often every pool is reconciled without an event (catches lost events, volume resizes). Default 60s. */
        @WithDefault("60s")
        Duration resyncInterval();

        /** First wait after a failed preload; doubles per failure. Default 2s. */
        @WithDefault("2s")
        Duration backoffInitial();

        /** Longest wait between preload attempts of a failing pool. Default 5m. */
        @WithDefault("5m")
        Duration backoffMax();

        /** How soon a pool that waits for memory looks again. Default 10s. */
        @WithDefault("10s")
        Duration memoryRetry();

        /**
         * Refill policy of every pool whose template names none in its {@code preload-dispvm-x-dispool-policy}
         * feature: {@code qubes} (R4.3's timers) or {@code adaptive} (sized to demand). Default qubes.
         */
        @WithDefault("qubes")
        String policy();

        /** How long POST /api/v1/host/suspend waits for the pools to drain. Default 120s. */
        @WithDefault("120s")
        Duration suspendTimeout();

        /**
         * Threads of the engine's worker pool (hand-outs, preload starts, removals); more work
         * waits in its queue. Default 64.
         */
        @WithDefault("64")
        int workers();

        /** Cold starts running at once; beyond it a hand-out is refused 429 with Retry-After. Default 4. */
        @WithDefault("4")
        int maxColdStarts();
    }

    /** The embedded simulated Qubes host and its starting inventory. */
    interface Sim {
        /** How much faster than wall time the simulated world runs; 1 = real time. Default 1. */
        @WithDefault("1")
        double timeScale();

        /** Seed of the latency model and disposable ids; unset = a new seed each run. */
        OptionalLong seed();

        /**
         * Whether a freed disposable id may be drawn again once enough others were freed, instead
         * of after qubesd's week. Default false (qubesd's rule); a load bench at a high time scale
         * sets it, as a week of host time there passes in seconds and the ids run out.
         */
        @WithDefault("false")
        boolean reuseDispIds();

        /** Host memory in MiB. Default 16000. */
        @WithDefault("16000")
        long totalMemoryMib();

        /** Memory dom0 keeps, MiB. Default 4000. */
        @WithDefault("4000")
        long dom0MemoryMib();

        /** The global default_dispvm; must be one of {@link #templates()}. */
        Optional<String> defaultDispvm();

        /** Fault injection, e.g. {@code start:fail=0.2,run-service:hang}; see the simulator's Faults. */
        Optional<String> faults();

        /** Features set on dom0 at start, e.g. {@code preload-dispvm-threshold=1000}. */
        Map<String, String> dom0Features();

        /** DVM templates by name. */
        Map<String, SimTemplate> templates();
    }

    /** One simulated DVM template. */
    interface SimTemplate {
        /** Its TemplateVM (only a name in the simulator). Default fedora-42-xfce. */
        @WithDefault("fedora-42-xfce")
        String template();

        /** Initial memory of each disposable, MiB (the qube's {@code memory}). Default 400. */
        @WithDefault("400")
        long memoryMib();

        /** Boot time relative to a Fedora-XFCE disposable (Whonix is about 1.75). Default 1.0. */
        @WithDefault("1.0")
        double bootFactor();

        /** Features set on the template at start, e.g. {@code preload-dispvm-max=2}. */
        Map<String, String> features();
    }
}
