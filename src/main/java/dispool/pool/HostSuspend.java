package dispool.pool;

import dispool.host.Clock;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The host's sleep: every pool drains before it (qubesd's {@code internal.SuspendPre}) and
 * refills after it ({@code internal.SuspendPost}).
 */
final class HostSuspend {

    /** Why every pool is emptied while the host sleeps. */
    static final String DRAIN = "host suspend: all preloads are removed before sleep";

    private final PreloadIndex index;
    private final EngineRunners runners;
    private final Clock clock;
    private final Duration timeout;
    private volatile boolean suspended;
    private volatile CompletableFuture<Void> drained;

    HostSuspend(PreloadIndex index, EngineRunners runners, Clock clock, Duration timeout) {
        this.index = index;
        this.runners = runners;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** Completes when no preload is left, or fails after the suspend timeout naming what is left. */
    Uni<Void> suspend() {
        suspended = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        drained = done;
        runners.markAll("host suspend");
        checkDrained(done); // its own wait: a resume meanwhile may have cleared the field
        return Uni.createFrom().completionStage(done)
                .ifNoItem().after(Duration.ofNanos(clock.toWallNanos(timeout)))
                .failWith(() -> new DispoolException(DispoolException.Kind.UNAVAILABLE, "host suspend: pools not drained after "
                        + timeout.toSeconds() + " s; still there: " + leftovers(), null));
    }

    /**
     * A suspend still waiting for its drain is over too: the host is awake (its wait would
     * otherwise run out the suspend timeout and report pools that are refilling).
     */
    void resume() {
        suspended = false;
        CompletableFuture<Void> pending = drained;
        drained = null;
        if (pending != null) {
            pending.complete(null);
        }
        index.pools().forEach(p -> runners.knobChanged(p.template, "system resumed"));
    }

    boolean isSuspended() {
        return suspended;
    }

    /** Called whenever a pool changed: completes a pending suspend once every pool is empty. */
    void checkDrained() {
        checkDrained(drained);
    }

    private void checkDrained(CompletableFuture<Void> d) {
        if (d != null && index.pools().stream().allMatch(p -> p.preloads.isEmpty())) {
            d.complete(null);
        }
    }

    private String leftovers() {
        List<String> names = new ArrayList<>();
        index.pools().forEach(p -> p.preloads.forEach(x -> names.add(String.valueOf(x))));
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
