package dispool.chaos;

import dispool.host.Clock;
import dispool.host.sim.SimHost;
import dispool.host.sim.SimHostBuilder;
import dispool.host.sim.SimOp;
import dispool.host.Backoff;
import dispool.pool.DispoolEngine;
import dispool.pool.DispoolException;
import dispool.pool.EngineSettings;
import dispool.pool.HandOut;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A chaos run on the simulator: concurrent callers hand out, remove and turn knobs across several
 * DVM templates while faults fire ({@link ChaosPlan}); then, with faults off, DESIGN.md's
 * invariants are checked:
 * <ul>
 * <li>none handed out twice (the same creation of a qube given to two callers), none before it was
 *     operational, none outdated (its template's change read from the event stream before the hand-out
 *     began, {@link KnownGenerations});</li>
 * <li>no leaked qube: every disposable created ends handed out, pooled, or removed;</li>
 * <li>max never exceeded ({@link MaxWatch}: free preloads, starting or ready, ≤ the highest max of the pool
 *     in the last {@link #MAX_GRACE}, while a lowered max's excess is being discarded);
 *     threshold never exceeded ({@link ThresholdWatch});</li>
 * <li>every pool refilled within {@link #REFILL_BOUND} (host time) after the faults stop and the
 *     disposables handed out are removed.</li>
 * </ul>
 * Threads interleave freely, so a seed fixes the choices and fault draws, not their order.
 */
public final class ChaosRun {

    /** The templates' qrexec_timeout: a readiness call begun just before the faults stopped may wait it out and fail. */
    static final Duration READINESS_TIMEOUT = Duration.ofSeconds(60);
    /** The run's backoff cap (30 s) and its 10 % jitter: the longest a pool that just failed waits. */
    static final Duration LONGEST_BACKOFF = Duration.ofSeconds(33);
    /** The run's memory retry: a pool that waited for memory (taken by other qubes, a fault) looks again. */
    static final Duration MEMORY_RETRY = Duration.ofSeconds(5);
    /**
     * One boot at its 99.9th percentile: create + start + readiness, 6.95 s median
     * ({@code LatencyModel.QUBES_R43}) × e^(3.1 × 0.15) (its log-normal spread) = 11.1 s, rounded up.
     */
    static final Duration SLOW_BOOT = Duration.ofSeconds(12);
    /**
     * How long after the faults stop, and the disposables still handed out are removed (their
     * memory is the pools' again), every pool must be full: the failing readiness call, the
     * longest backoff after it, a memory retry, then one slow boot. 110 s.
     */
    static final Duration REFILL_BOUND = READINESS_TIMEOUT.plus(LONGEST_BACKOFF).plus(MEMORY_RETRY).plus(SLOW_BOOT);
    /** A max that was lowered may be exceeded this long (wall) while the excess is being removed. */
    static final Duration MAX_GRACE = Duration.ofMillis(500);
    private static final long TOTAL_MIB = 16_000;
    private static final long DOM0_MIB = 4_000;
    private static final long[] THRESHOLDS = {500, 1000, 1500};
    private static final String KNOB_PROPERTY = "kernelopts";
    /** Each caller waits this long (host time) between its operations, as users do: the pools get to refill. */
    static final Duration THINK = Duration.ofSeconds(5);
    /** How long an event-stream cut loses events, host time. */
    static final Duration STREAM_CUT = Duration.ofSeconds(5);

    private final ChaosPlan plan;
    private final List<String> templates = new ArrayList<>();
    private final Map<String, Long> memoryOf = new HashMap<>();
    private final Map<String, AtomicInteger> issued = new ConcurrentHashMap<>(); // the knob's last value set
    private KnownGenerations known;
    private final Map<String, Long> held = new ConcurrentHashMap<>(); // name → creation serial
    private final Set<String> removalTried = ConcurrentHashMap.newKeySet();
    private final Set<String> handedOutCreations = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> operations = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> injected = new ConcurrentHashMap<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong preloaded = new AtomicLong();
    private final AtomicLong cold = new AtomicLong();
    private final int maxKnob;
    private SimHost sim;
    private ThresholdWatch watch;
    private DispoolEngine engine;
    private volatile boolean memoryTaken;
    private long maxSamples;

    public ChaosRun(ChaosPlan plan) {
        this.plan = plan;
        for (int i = 1; i <= plan.templates(); i++) {
            String t = "chaos" + i + "-dvm";
            templates.add(t);
            memoryOf.put(t, i % 2 == 0 ? 300L : 250L);
            issued.put(t, new AtomicInteger());
        }
        long spare = TOTAL_MIB - DOM0_MIB - 50 - THRESHOLDS[THRESHOLDS.length - 1];
        this.maxKnob = (int) Math.max(1, Math.min(3, spare / (plan.templates() * 300L)));
    }

    /** Runs the plan and checks the invariants; the report lists every violation seen. */
    public ChaosReport run() throws InterruptedException {
        long wallStart = System.nanoTime();
        Random setup = new Random(plan.seed());
        SimHostBuilder b = SimHost.builder().clock(Clock.scaled(plan.timeScale())).seed(plan.seed())
                .totalMemoryMiB(TOTAL_MIB).dom0MemoryMiB(DOM0_MIB).templateVm("fedora-42-xfce").reuseDispIds()
                .feature("dom0", "preload-dispvm-threshold", "1000").feature("dom0", "preload-dispvm-delay", "0");
        for (String t : templates) {
            b.dvmTemplate(t, memoryOf.get(t)).feature(t, "preload-dispvm-max", Integer.toString(setup.nextInt(maxKnob + 1)));
        }
        sim = b.defaultDispvm(templates.get(0)).build();
        templates.forEach(t -> sim.setProperty(t, KNOB_PROPERTY, "gen-0"));
        watch = new ThresholdWatch(sim, memoryOf, 1000, Duration.ofSeconds(60), violations::add);
        EngineSettings settings = EngineSettings.defaults().withResyncInterval(Duration.ofSeconds(30));
        engine = new DispoolEngine(watch.host(), new EngineSettings(settings.marks(),
                new Backoff(Duration.ofSeconds(2), 2.0, Duration.ofSeconds(30), 0.1), settings.resyncInterval(),
                Duration.ofSeconds(5), settings.suspendTimeout(), settings.owner(), settings.limits()));
        try {
            engine.start();
            known = new KnownGenerations(sim, templates, KNOB_PROPERTY);
            known.subscribe();
            faultsOn();
            runOperations();
            long faultsOff = faultsOff();
            removeEverythingHeld();
            double refill = awaitRefill(faultsOff, sim.clock().nanos());
            long leaked = checkNoLeak();
            return report(wallStart, refill, leaked);
        } finally {
            if (known != null) {
                known.close();
            }
            engine.close();
        }
    }

    private void faultsOn() {
        sim.faults().fail(SimOp.CREATE, plan.createFail()).fail(SimOp.START, plan.startFail())
                .timeout(SimOp.RUN_SERVICE, plan.readinessTimeout()).fail(SimOp.PAUSE, plan.pauseFail())
                .fail(SimOp.UNPAUSE, plan.pauseFail()).fail(SimOp.KILL, plan.pauseFail());
        if (plan.slowFactor() != 1) {
            sim.faults().slow(SimOp.CREATE, plan.slowFactor()).slow(SimOp.START, plan.slowFactor())
                    .slow(SimOp.RUN_SERVICE, plan.slowFactor());
        }
    }

    private long faultsOff() {
        sim.faults().clear();
        sim.memoryTakenByOthers(0);
        memoryTaken = false;
        return sim.clock().nanos();
    }

    // ---------------------------------------------------------------- operations

    private void runOperations() throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(plan.callers());
        MaxWatch maxWatch = new MaxWatch(engine, MAX_GRACE, violations::add);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < plan.callers(); c++) {
                Random r = new Random(plan.seed() * 31 + c);
                done.add(callers.submit(() -> {
                    for (int op = next.getAndIncrement(); op < plan.operations(); op = next.getAndIncrement()) {
                        faultEvents(op);
                        operation(r);
                        TimeUnit.NANOSECONDS.sleep(sim.clock().toWallNanos(THINK));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    violations.add("a caller died: " + e.getCause());
                }
            }
        } finally {
            callers.shutdownNow();
            maxWatch.close();
            maxSamples = maxWatch.samples();
        }
    }

    private void operation(Random r) {
        int pick = r.nextInt(100);
        String template = templates.get(r.nextInt(templates.size()));
        if (pick < 30 && !held.isEmpty()) {
            removeOneHeld(r);
        } else if (pick < 38) {
            knob(r, template);
        } else if (pick < 41) {
            count(operations, "template-change");
            sim.setProperty(template, KNOB_PROPERTY, "gen-" + issued.get(template).incrementAndGet());
        } else {
            handOut(template);
        }
    }

    /** Takes one hand-out for this caller alone (two callers never remove the same one) and removes it. */
    private void removeOneHeld(Random r) {
        List<String> names = new ArrayList<>(held.keySet());
        String name = names.isEmpty() ? null : names.get(r.nextInt(names.size()));
        Long serial = name == null ? null : held.remove(name);
        if (serial != null && !remove(name)) {
            held.put(name, serial);
        }
    }

    private void faultEvents(int op) throws InterruptedException {
        if (every(op, plan.streamCutEvery())) {
            count(injected, "event-stream-cut");
            sim.dropEventStreams(() -> sleepHost(STREAM_CUT)); // the events of the gap are lost
        }
        if (every(op, plan.memoryEvery())) {
            memoryTaken = !memoryTaken;
            count(injected, memoryTaken ? "memory-taken" : "memory-given-back");
            if (memoryTaken) {
                watch.memoryTaking(plan.memoryTakenMiB());
            }
            sim.memoryTakenByOthers(memoryTaken ? plan.memoryTakenMiB() : 0);
        }
        if (every(op, plan.restartEvery())) {
            count(injected, "qubesd-restart");
            sim.restartQubesd(() -> sleepHost(plan.restartOutage()));
        }
    }

    private void sleepHost(Duration hostTime) {
        try {
            TimeUnit.NANOSECONDS.sleep(sim.clock().toWallNanos(hostTime));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean every(int op, int every) {
        return every > 0 && op > 0 && op % every == 0;
    }

    private void handOut(String template) {
        count(operations, "hand-out");
        int genBefore = known.get(template);
        HandOut h;
        try {
            h = engine.handOut(template).await().atMost(Duration.ofMinutes(2));
        } catch (DispoolException e) {
            count(refused, e.hostType() != null ? "host-" + e.hostType() : e.kind().name());
            return;
        } catch (RuntimeException e) {
            violations.add("hand-out of " + template + " failed unexpectedly: " + e);
            return;
        }
        (h.preloaded() ? preloaded : cold).incrementAndGet();
        checkHandOut(h, genBefore == known.get(template) ? genBefore : -1);
    }

    private void checkHandOut(HandOut h, int generationThroughout) {
        long serial = sim.creationSerial(h.name());
        // The qube is read before it is published in held: from there another caller may remove it.
        if (!sim.isOperational(h.name())) {
            violations.add("handed out before it was operational: " + h.name() + (h.preloaded() ? " (preloaded)" : " (cold)"));
        }
        String want = "gen-" + generationThroughout;
        String has = sim.peekProperty(h.name(), KNOB_PROPERTY).orElse("gen-?");
        if (generationThroughout >= 0 && !want.equals(has)) {
            violations.add("handed out outdated: " + h.name() + " of " + h.template() + " has " + KNOB_PROPERTY + "=" + has
                    + ", its template " + want + " (read from the events) since before the hand-out began");
        }
        if (!handedOutCreations.add(h.name() + "#" + serial) || held.putIfAbsent(h.name(), serial) != null) {
            violations.add("handed out twice: " + h.name() + " (creation " + serial + ")");
        }
    }

    /** Removes a hand-out this caller holds; false when the host failed and it is still there. */
    private boolean remove(String name) {
        count(operations, "removal");
        try {
            engine.removeDisposable(name).await().atMost(Duration.ofMinutes(2));
            return true;
        } catch (DispoolException e) {
            if (e.hostType() != null) { // the host failed: the disposable is still there
                removalTried.add(name);
                count(refused, "removal-" + e.hostType());
                return false;
            }
            if (e.kind() != DispoolException.Kind.NOT_FOUND || !removalTried.contains(name)) {
                // (NOT_FOUND after a failed attempt: that attempt's kill made it vanish)
                violations.add("removal of " + name + ", which dispool handed out, refused: " + e.kind() + " " + e.getMessage());
            }
            return true;
        }
    }

    private void knob(Random r, String template) {
        count(operations, "knob-change");
        try {
            if (r.nextInt(5) == 0) {
                long t = THRESHOLDS[r.nextInt(THRESHOLDS.length)];
                watch.thresholdChanging(t);
                engine.updateGlobalSettings(null, false, Long.toString(t), null, null);
            } else {
                engine.setMax(template, Integer.toString(r.nextInt(maxKnob + 1)));
            }
        } catch (DispoolException e) {
            count(refused, "knob-" + (e.hostType() != null ? e.hostType() : e.kind().name()));
        }
    }

    // ---------------------------------------------------------------- invariants

    private void removeEverythingHeld() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!held.isEmpty() && System.nanoTime() < deadline) {
            new ArrayList<>(held.keySet()).forEach(name -> {
                if (remove(name)) {
                    held.remove(name);
                }
            });
        }
        if (!held.isEmpty()) {
            violations.add("with faults off, handed-out disposables could not be removed: " + held.keySet());
        }
    }

    /**
     * Host seconds from faults off until every pool holds max ready preloads and none starting; -1
     * past the bound, which counts from {@code removedNanos} (the held disposables removed).
     */
    private double awaitRefill(long faultsOffNanos, long removedNanos) throws InterruptedException {
        long bound = removedNanos + REFILL_BOUND.toNanos();
        while (sim.clock().nanos() < bound) {
            if (engine.pools().stream().allMatch(v -> v.ready() == v.max() && v.starting() == 0)) {
                return (sim.clock().nanos() - faultsOffNanos) / 1e9;
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
        List<String> short_ = new ArrayList<>();
        engine.pools().stream().filter(v -> v.ready() != v.max() || v.starting() != 0)
                .forEach(v -> short_.add(v.template() + " ready " + v.ready() + "/" + v.max() + ", starting " + v.starting()
                        + " (" + v.lastFailure() + ")"));
        violations.add("not refilled within " + REFILL_BOUND.toSeconds() + " s host time after the faults stopped: " + short_);
        return -1;
    }

    /**
     * Every qube created is pooled or gone (everything handed out was removed), once the removals
     * still retrying had their chance: up to {@link #REFILL_BOUND} host time more.
     */
    private long checkNoLeak() throws InterruptedException {
        long bound = sim.clock().nanos() + REFILL_BOUND.toNanos();
        while (leaked(false) > 0 && sim.clock().nanos() < bound) {
            TimeUnit.MILLISECONDS.sleep(1);
        }
        return leaked(true);
    }

    private long leaked(boolean report) {
        return Leaks.count(sim, engine, Set.of(), report ? violations::add : v -> { });
    }

    private ChaosReport report(long wallStart, double refill, long leaked) {
        Map<String, Long> faults = new TreeMap<>(sim.faults().fired());
        injected.forEach((k, v) -> faults.put(k, v.get()));
        return new ChaosReport(plan, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - wallStart), snapshot(operations),
                faults, preloaded.get(), cold.get(), snapshot(refused), refill, REFILL_BOUND.toSeconds(), watch.checks(),
                maxSamples, leaked, List.copyOf(violations));
    }

    private static Map<String, Long> snapshot(Map<String, AtomicLong> m) {
        Map<String, Long> out = new LinkedHashMap<>();
        new TreeMap<>(m).forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    private static void count(Map<String, AtomicLong> m, String key) {
        m.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }
}
