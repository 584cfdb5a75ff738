package dispool.emulator.diff;

import dispool.host.Clock;
import dispool.host.QubesException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;

/**
 * Plays a {@link Workload} on one {@link Side}: boots, waits until the pool is full and ready, then runs
 * every step at its host time (the simulator's clock, so nothing sleeps in real seconds). Each
 * request is a user of its own who closes the disposable {@link Workload#CLOSE_AFTER} seconds later.
 */
final class WorkloadRunner {

    /** Host time between two samples of the pool size. */
    private static final Duration SAMPLE = Duration.ofMillis(100);

    private WorkloadRunner() {
    }

    static Outcome run(Workload w, Side side) {
        Clock clock = side.host().clock();
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(1);
        ExecutorService users = Executors.newCachedThreadPool();
        Races races = new Races(side.host());
        try {
            side.boot();
            Awaitility.await(w.name() + ": " + side.label() + " fills the pool at boot").atMost(30, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(5)).until(() -> side.ready(side.dvm()) == w.bootFill());
            races.scriptBegins();
            AtomicInteger maxHeld = new AtomicInteger(w.bootFill());
            long sample = clock.toWallNanos(SAMPLE);
            timers.scheduleAtFixedRate(() -> maxHeld.accumulateAndGet(side.held(side.dvm()), Math::max), sample, sample,
                    TimeUnit.NANOSECONDS);
            List<Integer> heldAtRequests = Collections.synchronizedList(new ArrayList<>());
            Map<Integer, Side.Served> served = new ConcurrentSkipListMap<>();
            Set<String> outdated = ConcurrentHashMap.newKeySet();
            // Requests already made when a step outdated the pool: qubesd takes a preload off its list
            // at the request, so one claimed before the change may be handed out (dispool's claimed
            // preload still starting is still "held" at that instant, the reference's is not)
            Set<Integer> begun = ConcurrentHashMap.newKeySet();
            Set<Integer> madeBeforeOutdating = ConcurrentHashMap.newKeySet();
            int request = 0;
            List<CompletableFuture<?>> pending = Collections.synchronizedList(new ArrayList<>());
            for (Workload.Step step : w.steps()) {
                int number = step.action() == null ? ++request : 0;
                CompletableFuture<Void> done = new CompletableFuture<>();
                pending.add(done);
                timers.schedule(() -> users.execute(() -> {
                    try {
                        if (step.action() != null) {
                            if (step.outdates()) {
                                madeBeforeOutdating.addAll(begun);
                                outdated.addAll(side.heldNames(side.dvm()));
                            }
                            step.action().accept(side);
                        } else {
                            begun.add(number);
                            heldAtRequests.add(side.held(side.dvm()));
                            long at = races.now();
                            Side.Served s = side.request(side.dvm());
                            races.request(number, at, s);
                            served.put(number, s);
                            pending.add(closeLater(side, s.name(), timers, users));
                        }
                        done.complete(null);
                    } catch (RuntimeException e) {
                        done.completeExceptionally(e);
                    }
                }), clock.toWallNanos(Duration.ofMillis((long) (step.at() * 1000))), TimeUnit.NANOSECONDS);
            }
            Awaitility.await(w.name() + ": " + side.label() + " plays every step").atMost(60, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(10)).until(() -> List.copyOf(pending).stream().allMatch(CompletableFuture::isDone));
            List.copyOf(pending).forEach(CompletableFuture::join);
            List<Integer> cold = served.entrySet().stream().filter(e -> !e.getValue().preloaded()).map(Map.Entry::getKey).toList();
            int outdatedHandOuts = (int) served.entrySet().stream()
                    .filter(e -> !madeBeforeOutdating.contains(e.getKey()) && outdated.contains(e.getValue().name())).count();
            List<Integer> lost = served.entrySet().stream().filter(e -> e.getValue().lostToRestart()).map(Map.Entry::getKey).toList();
            return new Outcome(served.size() - cold.size(), cold, maxHeld.get(), List.copyOf(heldAtRequests), side.discards(),
                    outdatedHandOuts, lost, races.closest());
        } finally {
            races.close();
            timers.shutdownNow();
            users.shutdownNow();
            side.close();
        }
    }

    /** The user closes the disposable (a kill; auto-cleanup removes it). */
    private static CompletableFuture<Void> closeLater(Side side, String name, ScheduledExecutorService timers, ExecutorService users) {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        timers.schedule(() -> users.execute(() -> {
            try {
                side.host().kill(name);
            } catch (QubesException gone) {
                // already gone (halted by something else): nothing left to close
            }
            closed.complete(null);
        }), side.host().clock().toWallNanos(Duration.ofMillis((long) (Workload.CLOSE_AFTER * 1000))), TimeUnit.NANOSECONDS);
        return closed;
    }
}
