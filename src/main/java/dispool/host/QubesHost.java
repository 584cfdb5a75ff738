package dispool.host;

import io.smallrye.mutiny.Multi;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The port: everything the preload engine needs from whatever runs the qubes.
 *
 * <p>Calls block until the host has done the work, exactly like an Admin API call does: the
 * engine runs them on its own worker threads, never on a caller's thread. Every call may throw
 * {@link QubesException}, carrying Qubes' own exception type name (for example
 * {@code QubesVMNotFoundError}) and message. Names are checked with {@link QubeNames} before a
 * call reaches the host.
 *
 * <p>Adapters: {@code host/sim} (the embedded simulator), {@code host/qubesd} (the Admin API of
 * a real Qubes OS), and later QEMU. All of them pass one contract test suite
 * ({@code QubesHostContract}).
 */
public interface QubesHost {

    /** Every qube with its class and power state; {@code dom0} first (as admin.vm.List). */
    List<QubeInfo> listQubes();

    /** One qube's class and power state; {@code QubesVMNotFoundError} when it does not exist. */
    QubeInfo qube(String name);

    /** A property's value as Qubes prints it ({@code ""} for an unset vm-typed property). */
    String property(String qube, String property);

    /** Every property of the qube, name to value (as admin.vm.property.GetAll). */
    Map<String, String> properties(String qube);

    /** A global property of the Qubes host (admin.property.Get), such as {@code default_dispvm}. */
    String globalProperty(String property);

    void setGlobalProperty(String property, String value);

    /** A feature's value; empty when the feature is not set (set-but-empty is {@code ""}). */
    Optional<String> feature(String qube, String feature);

    /** Sets a feature; the host validates values it knows, like qubesd's feature handlers. */
    void setFeature(String qube, String feature, String value);

    /** Removes a feature; does nothing when it is not set. */
    void removeFeature(String qube, String feature);

    /**
     * One volume of the qube (admin.vm.volume.Info: keys {@code size} and {@code is_outdated});
     * {@code QubesVMNotFoundError} when the qube does not exist, another error when the volume
     * does not.
     */
    VolumeInfo volume(String qube, String volume);

    /**
     * Creates a disposable (Halted, {@code auto_cleanup}) from a DVM template and sets the given
     * features on it in the same step, so that a crash can never leave an unmarked disposable
     * behind. Returns its name, {@code dispN}.
     */
    String createDisposable(String dvmTemplate, Map<String, String> features);

    /** Starts a qube; returns once its qrexec agent is connected (not yet operational). */
    void start(String qube);

    void pause(String qube);

    void unpause(String qube);

    /** Stops the qube at once. An auto-cleanup disposable is removed with it. */
    void kill(String qube);

    /** Removes a halted qube; {@code QubesVMNotFoundError} when it is already gone. */
    void remove(String qube);

    /**
     * Runs a qrexec service in a running, unpaused qube and waits for it to exit, at most
     * {@code timeout}. Throws {@link ServiceTimeoutException} when it does not exit in time.
     */
    ServiceResult runService(String qube, String service, Duration timeout);

    /**
     * qmemman's available-memory figure in bytes (may be negative), or empty when the host has
     * none; preloading then runs without a memory gate.
     */
    OptionalLong availableMemory();

    /**
     * Where {@link #availableMemory()} comes from, for the API: for example
     * {@code qmemman /var/run/qubes/qmemman-avail-mem} or {@code budget 4000 MiB}.
     */
    default String availableMemorySource() {
        return availableMemory().isPresent() ? "host" : "none";
    }

    /**
     * The host's event stream ({@code admin.Events}): Qubes event names and kwargs. It starts
     * with {@code connection-established}; whatever happened before that was missed, and the
     * subscriber re-reads the state it cares about.
     */
    Multi<HostEvent> events();

    /** Where time comes from for this host; the simulator may run it faster than real time. */
    Clock clock();
}
