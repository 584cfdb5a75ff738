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

    /** Which host runs the qubes. Only {@code sim}, the embedded simulator, so far. */
    @WithDefault("sim")
    HostKind host();

    Engine engine();

    Sim sim();

    enum HostKind { sim }

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

        /** How long POST /api/v1/host/suspend waits for the pools to drain. Default 120s. */
        @WithDefault("120s")
        Duration suspendTimeout();
    }

    /** The embedded simulated Qubes host and its starting inventory. */
    interface Sim {
        /** How much faster than wall time the simulated world runs; 1 = real time. Default 1. */
        @WithDefault("1")
        double timeScale();

        /** Seed of the latency model and disposable ids; unset = a new seed each run. */
        OptionalLong seed();

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
