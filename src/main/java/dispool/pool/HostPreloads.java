package dispool.pool;

import dispool.host.Clock;
import dispool.host.PowerState;
import dispool.host.QubesException;
import dispool.host.QubesHost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Pools kept by the host itself ({@link PreloadOwner#HOST}): qubesd R4.3 fills them from the same
 * knobs ({@code preload-dispvm-max}, {@code -threshold}, {@code -delay}), so dispool only hands
 * out and reports.
 * <ul>
 * <li>A hand-out asks the host for a disposable of the template: qubesd gives one of its preloads
 *     (already running and unpaused) when it has one, else a new Halted one, which dispool then
 *     starts and waits on like any cold disposable.</li>
 * <li>A pool's view lists the names in the template's {@code preload-dispvm} feature, ready when
 *     qubesd marked them {@code preload-dispvm-completed}. qubesd owns the pool, so the view is
 *     read from the host, at most once per {@link #VIEW_MAX_AGE} per template (metrics scrapes and
 *     health checks read every pool), and again right after a hand-out from it. The memory each
 *     completed (paused) preload holds is read once per preload ({@link PreloadMemory}).</li>
 * </ul>
 */
final class HostPreloads implements Preloading {

    static final String HOST_LIST = "preload-dispvm";
    static final String HOST_COMPLETED = "preload-dispvm-completed";

    /** How old a pool view read from the host may be before it is read again. */
    static final Duration VIEW_MAX_AGE = Duration.ofSeconds(1);

    /** A view, when it was read, and the settings it shows (new settings mean a new read). */
    private record Read(PoolView view, long atNanos, PoolSettings settings) {
    }

    private final QubesHost host;
    private final Clock clock;
    private final PreloadLifecycle lifecycle;
    private final PoolEvents events;
    private final SettingsReader reader;
    private final Map<String, Read> views = new ConcurrentHashMap<>();
    private final Ownership ownership;
    private final Executor workers;
    private final ColdStarts coldStarts;
    private final PreloadMemory memoryHeld;

    HostPreloads(QubesHost host, PreloadLifecycle lifecycle, PoolEvents events, SettingsReader reader,
            Ownership ownership, Executor workers, ColdStarts coldStarts, PreloadMemory memoryHeld) {
        this.host = host;
        this.reader = reader;
        this.clock = host.clock();
        this.lifecycle = lifecycle;
        this.events = events;
        this.ownership = ownership;
        this.workers = workers;
        this.coldStarts = coldStarts;
        this.memoryHeld = memoryHeld;
    }

    @Override
    public HandOut handOut(Pool pool) {
        StageTimer timer = new StageTimer(clock);
        String name = host.createDisposable(pool.template, Map.of());
        timer.lap("create");
        boolean preloaded = isPreloaded(pool, name);
        ColdStarts.Slot slot = preloaded ? null : admitCold(pool, name);
        ownership.handingOut(name);
        try {
            if (!preloaded) {
                ownership.mark(name); // a cold one: marked with its creation, before the start
            }
            host.start(name);
            timer.lap("start");
            if (!preloaded) {
                lifecycle.waitOperational(name, pool.settings);
                timer.lap("operational");
            }
        } catch (RuntimeException e) {
            lifecycle.removeEventually(pool, name, "it failed to start");
            DispoolException noMemory = slot == null ? null : slot.refused(name, e);
            if (noMemory != null) {
                throw noMemory;
            }
            throw new DispoolException(DispoolException.Kind.UNAVAILABLE, pool.template + ": the host's disposable " + name
                    + " failed to start: " + PreloadLifecycle.describe(e), e);
        } finally {
            if (slot != null) {
                slot.close();
            }
        }
        views.remove(pool.template);
        if (preloaded) {
            EngineThreads.afterHandOut(workers, () -> markAfterHandOut(pool, name));
        }
        HandOut h = new HandOut(name, pool.template, preloaded, timer.stages(), timer.totalMillis());
        events.publish(new PoolEvent(PoolEvent.Type.HANDED_OUT, pool.template, name,
                preloaded ? "preloaded by the host" : "cold: the host had no preload ready", clock.millis(),
                Map.of("preloaded", preloaded, "usableAfterMs", h.usableAfterMs())));
        return h;
    }

    /**
     * Whether qubesd gave one of its preloads (running) or a new disposable (Halted). The caller
     * does not have the name yet: when the host cannot say, the disposable is removed, not left.
     */
    private boolean isPreloaded(Pool pool, String name) {
        try {
            return host.qube(name).state() != PowerState.Halted;
        } catch (RuntimeException e) {
            lifecycle.removeEventually(pool, name, "its power state could not be read");
            throw new DispoolException(DispoolException.Kind.UNAVAILABLE, pool.template + ": the host's disposable " + name
                    + " could not be read after its creation: " + PreloadLifecycle.describe(e) + "; it is being removed", e);
        }
    }

    /**
     * qubesd had no preload: the new, still Halted disposable starts only within the cold-start
     * limits ({@link ColdStarts}); refused, it is removed unstarted and the refusal goes to the caller.
     */
    private ColdStarts.Slot admitCold(Pool pool, String name) {
        try {
            return coldStarts.admit(pool.template, pool.settings.memoryMiB());
        } catch (DispoolException refused) {
            lifecycle.removeEventually(pool, name, "its cold start was refused: " + refused.getMessage());
            throw refused;
        }
    }

    /** qubesd's preload is the caller's already: its mark is bookkeeping, off the caller's path. */
    private void markAfterHandOut(Pool pool, String name) {
        try {
            ownership.mark(name);
        } catch (QubesException e) {
            events.publish(new PoolEvent(PoolEvent.Type.WARNING, pool.template, name, name + " was handed out but its mark "
                    + Ownership.FEATURE + " could not be written: " + PreloadLifecycle.describe(e)
                    + "; its caller can remove it while this dispool runs", clock.millis(), Map.of()));
        }
    }

    /** The host fills the pool: a reconcile only re-reads the settings (and on the resync, the preloads' memory), it never preloads. */
    @Override
    public PoolReconciler.Next reconcile(Pool pool, String drain) {
        reader.refresh(pool);
        memoryHeld.forgetOnResync(pool);
        return PoolReconciler.Next.DONE;
    }

    @Override
    public PoolView view(Pool pool) {
        long now = clock.nanos();
        Read last = views.get(pool.template);
        PoolSettings settings = pool.settings;
        if (last != null && last.settings() == settings && now - last.atNanos() < VIEW_MAX_AGE.toNanos()) {
            return last.view();
        }
        PoolView v = readView(pool, settings);
        views.put(pool.template, new Read(v, now, settings));
        return v;
    }

    private PoolView readView(Pool pool, PoolSettings s) {
        List<PoolView.PreloadView> preloads = new ArrayList<>();
        int ready = 0;
        List<String> listed = listed(pool.template);
        memoryHeld.keepOnly(pool.template, listed);
        for (String name : listed) {
            boolean completed = completed(name);
            ready += completed ? 1 : 0;
            preloads.add(new PoolView.PreloadView(name, completed ? PreloadState.READY : PreloadState.STARTING, 0,
                    completed ? PreloadMemory.mib(memoryHeld.ofHostPreload(pool.template, name)) : null));
        }
        return new PoolView(pool.template, s.max(), s.maxSource(), s.thresholdMiB(), s.delaySeconds(), s.memoryMiB(),
                preloads, ready, preloads.size() - ready, null, null, 0, 0, s.maxWarning(), "host",
                "qubesd fills the pool (native mode): dispool's refill policies do not apply");
    }

    private List<String> listed(String template) {
        String list = host.feature(template, HOST_LIST).orElse("").trim();
        return list.isEmpty() ? List.of() : Arrays.asList(list.split("\\s+"));
    }

    private boolean completed(String name) {
        try {
            return host.feature(name, HOST_COMPLETED).isPresent();
        } catch (QubesException e) {
            return false; // handed out or removed since the list was read
        }
    }
}
