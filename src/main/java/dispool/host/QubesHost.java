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

    /**
     * A feature of the qube or, when it has none, of its template and on up the chain, as qubesd's
     * {@code features.check_with_template} (qubes/features.py): {@code qrexec} and
     * {@code supported-rpc.*} live on the TemplateVM. Empty when no qube in the chain has it.
     * This default walks the chain with {@link #feature} and {@link #property}; a host with a call
     * of its own for it (qubesd's {@code admin.vm.feature.CheckWithTemplate}) overrides it, so a
     * management qube needs no access to the TemplateVM.
     */
    default Optional<String> featureWithTemplate(String qube, String feature) {
        String at = qube;
        // DVM template -> TemplateVM is the chain in Qubes; the bound only guards against a loop.
        for (int depth = 0; depth < 4 && !at.isEmpty(); depth++) {
            Optional<String> value = feature(at, feature);
            if (value.isPresent()) {
                return value;
            }
            at = templateOf(at);
        }
        return Optional.empty();
    }

    private String templateOf(String qube) {
        try {
            return property(qube, "template");
        } catch (QubesException e) {
            if (e.is(QubesException.NO_SUCH_PROPERTY)) {
                return ""; // a TemplateVM or dom0: the chain ends
            }
            throw e;
        }
    }

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
     * The memory the qube holds now, in KiB, as {@code admin.vm.CurrentState} answers it
     * ({@code mem=}, libvirt's current memory of the domain; qubes/api/admin.py
     * {@code vm_current_state}): what a paused preload keeps from other qubes. 0 when the qube
     * does not run; {@code QubesVMNotFoundError} when it does not exist. This default answers
     * with the configured {@code memory} of a running or paused qube, right for a host without
     * memory balancing (QEMU); the simulator answers from its qmemman model, qubesd with the call.
     */
    default long currentMemoryKiB(String qube) {
        if (!qube(qube).state().isActive()) {
            return 0;
        }
        try {
            return Long.parseLong(property(qube, "memory").trim()) * 1024;
        } catch (NumberFormatException e) {
            throw new QubesException(QubesException.GENERIC, qube + ": property memory '" + property(qube, "memory")
                    + "' is not a number of MiB");
        }
    }

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
     * The host's event stream ({@code admin.Events}): Qubes event names and kwargs, delivered in
     * order on a thread of the adapter (never on the thread of the call that caused them). It
     * starts with {@code connection-established}; whatever happened before that was missed, and
     * the subscriber re-reads the state it cares about.
     *
     * <p>The stream reconnects by itself: when the connection to the host is lost (qubesd
     * restarts) the adapter opens it again with a backoff, and the same stream says
     * {@code connection-established} again, events of the gap being lost. It ends (with a
     * failure) only when the adapter cannot go on at all; a subscriber may then subscribe again.
     */
    Multi<HostEvent> events();

    /** Where time comes from for this host; the simulator may run it faster than real time. */
    Clock clock();

    /**
     * Disposables this adapter began to create in an earlier run and never finished marking
     * (a crash between qubesd's create and dispool's marks), as its creation journal names
     * them; empty for a host that creates and marks in one step. Read by the engine's restart
     * recovery, which removes them before the first creation ({@link #creationDealtWith}).
     */
    default List<String> unfinishedCreations() {
        return List.of();
    }

    /** Recovery removed {@code name}, or found it gone: the journal forgets it. */
    default void creationDealtWith(String name) {
    }
}
