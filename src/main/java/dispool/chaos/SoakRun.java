package dispool.chaos;

import dispool.host.Backoff;
import dispool.host.Clock;
import dispool.host.QubesException;
import dispool.host.sim.SimHost;
import dispool.host.sim.SimHostBuilder;
import dispool.host.sim.SimOp;
import dispool.pool.DispoolEngine;
import dispool.pool.DispoolException;
import dispool.pool.EngineSettings;
import dispool.pool.HandOut;
import dispool.pool.PoolView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A soak on the simulator ({@link SoakPlan}): day-like demand on several DVM templates for days of
 * simulated time, one engine throughout, every fault kind on (failing and slow creates, starts and
 * readiness calls, failing pause/unpause/kill, event-stream cuts, a qubesd restart a day, memory
 * taken by other qubes, knob and template changes). Every simulated hour it samples the process
 * ({@link ProcessSample}); at the end, faults off and every hand-out removed, it checks that no qube
 * leaked. Throughout: none handed out twice (a qube's creation handed out again, or a qube handed
 * out while a caller still holds it), none before it was operational.
 */
public final class SoakRun {

    private static final long TOTAL_MIB = 16_000;
    private static final long DOM0_MIB = 4_000;
    /** How long a user keeps a disposable, host time: a few minutes, at most a quarter of an hour. */
    private static final Duration MEAN_USE = Duration.ofMinutes(4);
    private static final Duration LONGEST_USE = Duration.ofMinutes(15);
    private static final Duration LEAK_BOUND = Duration.ofMinutes(3);

    private final SoakPlan plan;
    private final List<String> templates = new ArrayList<>();
    private final Random random;
    private final SoakLedger ledger;
    private final Map<String, Long> held = new ConcurrentHashMap<>();
    private final Map<String, Long> lastHandedSerial = new ConcurrentHashMap<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private SimHost sim;
    private DispoolEngine engine;
    private ExecutorService users;
    private ScheduledExecutorService clockwork;

    public SoakRun(SoakPlan plan) {
        this.plan = plan;
        this.random = new Random(plan.seed());
        this.ledger = new SoakLedger(plan.hours());
        for (int i = 1; i <= plan.templates(); i++) {
            templates.add("soak" + i + "-dvm");
        }
    }

    /** Runs the plan; the report holds the samples, the per-day table, the trends and every violation. */
    public SoakReport run() throws InterruptedException {
        long wallStart = System.nanoTime();
        sim = buildHost();
        engine = new DispoolEngine(sim, engineSettings());
        users = Executors.newFixedThreadPool(16);
        clockwork = Executors.newSingleThreadScheduledExecutor();
        try {
            engine.start();
            faultsOn();
            runHours();
            sim.faults().clear();
            sim.memoryTakenByOthers(0);
            long leaked = removeHeldAndCountLeaks();
            return new SoakReport(plan, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - wallStart), ledger.samples(),
                    ledger.days(), SoakReport.trends(ledger.samples()), sim.faults().fired(), leaked,
                    List.copyOf(violations));
        } finally {
            clockwork.shutdownNow();
            users.shutdownNow();
            users.awaitTermination(1, TimeUnit.MINUTES);
            engine.close();
        }
    }

    private SimHost buildHost() {
        SimHostBuilder b = SimHost.builder().clock(Clock.scaled(plan.timeScale())).seed(plan.seed())
                .totalMemoryMiB(TOTAL_MIB).dom0MemoryMiB(DOM0_MIB).templateVm("fedora-42-xfce").reuseDispIds()
                .feature("dom0", "preload-dispvm-threshold", "1000");
        for (int i = 0; i < templates.size(); i++) {
            b.dvmTemplate(templates.get(i), i % 2 == 0 ? 250L : 300L).feature(templates.get(i), "preload-dispvm-max", "2");
        }
        SimHost host = b.defaultDispvm(templates.get(0)).build();
        templates.forEach(t -> host.setProperty(t, "kernelopts", "gen-0"));
        return host;
    }

    private static EngineSettings engineSettings() {
        EngineSettings d = EngineSettings.defaults();
        return new EngineSettings(d.marks(), new Backoff(Duration.ofSeconds(2), 2.0, Duration.ofSeconds(30), 0.1),
                d.resyncInterval(), Duration.ofSeconds(10), d.suspendTimeout(), d.owner(), d.limits());
    }

    /** ChaosPlan.everyFault's rates: the pools work most of the time, every kind fires every hour. */
    private void faultsOn() {
        sim.faults().fail(SimOp.CREATE, 0.05).fail(SimOp.START, 0.05).timeout(SimOp.RUN_SERVICE, 0.03)
                .fail(SimOp.PAUSE, 0.1).fail(SimOp.UNPAUSE, 0.1).fail(SimOp.KILL, 0.1)
                .slow(SimOp.CREATE, 3).slow(SimOp.START, 3).slow(SimOp.RUN_SERVICE, 3);
    }

    // ---------------------------------------------------------------- the hours

    /** Each simulated minute its arrivals; each simulated hour its events and a sample. */
    private void runHours() throws InterruptedException {
        long minuteWall = sim.clock().toWallNanos(Duration.ofMinutes(1));
        int minutes = plan.hours() * 60;
        CountDownLatch done = new CountDownLatch(1);
        int[] minute = {0};
        clockwork.scheduleAtFixedRate(() -> {
            try {
                int m = minute[0]++;
                if (m >= minutes) {
                    done.countDown();
                    return;
                }
                if (m % 60 == 0) {
                    hourStarts(m / 60);
                }
                arrivals(m / 60);
            } catch (RuntimeException e) {
                violations.add("the soak's clock failed: " + e);
                done.countDown();
            }
        }, 0, minuteWall, TimeUnit.NANOSECONDS);
        done.await();
    }

    private void hourStarts(int hour) {
        ledger.sample(ProcessSample.now(hour, engine.timersQueued(),
                engine.pools().stream().mapToInt(v -> v.ready() + v.starting()).sum(),
                engine.pools().stream().mapToInt(PoolView::max).sum()),
                sim.faults().fired().values().stream().mapToLong(Long::longValue).sum());
        String template = templates.get(random.nextInt(templates.size()));
        knob(hour, template);
        if (hour % 6 == 3) {
            ledger.fault(hour);
            users.execute(() -> sim.dropEventStreams(() -> pauseHost(Duration.ofSeconds(5))));
        }
        if (hour % 24 == 4) {
            ledger.fault(hour);
            users.execute(() -> sim.restartQubesd(() -> pauseHost(Duration.ofSeconds(20))));
        }
        boolean pressure = hour % 5 == 2;
        sim.memoryTakenByOthers(pressure ? 6000 : 0);
        if (pressure) {
            ledger.fault(hour);
        }
    }

    private void knob(int hour, String template) {
        try {
            if (hour % 12 == 7) {
                sim.setProperty(template, "kernelopts", "gen-" + hour);
                ledger.fault(hour);
            } else {
                engine.setMax(template, Integer.toString(1 + random.nextInt(3)));
                ledger.fault(hour);
            }
        } catch (QubesException | DispoolException e) { // the simulator's own call throws the host's error
            ledger.refused(hour);
        }
    }

    private void arrivals(int hour) {
        double perMinute = plan.ratePerHour(hour) / 60;
        for (String t : templates) {
            for (int n = poisson(perMinute); n > 0; n--) {
                users.execute(() -> handOut(hour, t));
            }
        }
    }

    private int poisson(double mean) {
        double limit = Math.exp(-mean);
        double p = random.nextDouble();
        int n = 0;
        while (p > limit) {
            p *= random.nextDouble();
            n++;
        }
        return n;
    }

    // ---------------------------------------------------------------- users

    private void handOut(int hour, String template) {
        HandOut h;
        try {
            h = engine.handOut(template).await().atMost(Duration.ofMinutes(2));
        } catch (DispoolException e) {
            ledger.refused(hour);
            return;
        } catch (RuntimeException e) {
            violations.add("hour " + hour + ": hand-out of " + template + " failed unexpectedly: " + e);
            return;
        }
        ledger.handedOut(hour, h.preloaded());
        check(hour, h);
        long useNanos = Math.min(LONGEST_USE.toNanos(), (long) (-Math.log(1 - random.nextDouble()) * MEAN_USE.toNanos()));
        clockwork.schedule(() -> users.execute(() -> removeHeld(h.name())), sim.clock().toWallNanos(Duration.ofNanos(useNanos)),
                TimeUnit.NANOSECONDS);
    }

    private void check(int hour, HandOut h) {
        long serial = sim.creationSerial(h.name());
        if (!sim.isOperational(h.name())) {
            violations.add("hour " + hour + ": handed out before it was operational: " + h.name());
        }
        Long before = lastHandedSerial.put(h.name(), serial);
        if ((before != null && before == serial) || held.putIfAbsent(h.name(), serial) != null) {
            violations.add("hour " + hour + ": handed out twice: " + h.name() + " (creation " + serial + ")");
        }
    }

    /** Removes a hand-out; a host failure leaves it held, and the next try comes a simulated minute later. */
    private void removeHeld(String name) {
        Long serial = held.remove(name);
        if (serial == null) {
            return;
        }
        try {
            engine.removeDisposable(name).await().atMost(Duration.ofMinutes(2));
        } catch (DispoolException e) {
            if (e.hostType() != null) { // the host failed: the disposable is still there
                held.put(name, serial);
                clockwork.schedule(() -> users.execute(() -> removeHeld(name)),
                        sim.clock().toWallNanos(Duration.ofMinutes(1)), TimeUnit.NANOSECONDS);
            } else if (e.kind() != DispoolException.Kind.NOT_FOUND) {
                violations.add("removal of " + name + ", which dispool handed out, refused: " + e.getMessage());
            }
        }
    }

    private void pauseHost(Duration hostTime) {
        try {
            TimeUnit.NANOSECONDS.sleep(sim.clock().toWallNanos(hostTime)); // the outage lasts this long
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- the end

    /** With faults off: every hand-out removed, then every qube created is pooled or gone (within a bound). */
    private long removeHeldAndCountLeaks() throws InterruptedException {
        long bound = sim.clock().nanos() + LEAK_BOUND.toNanos();
        while (sim.clock().nanos() < bound && (!held.isEmpty() || leaked(false) > 0)) {
            new ArrayList<>(held.keySet()).forEach(this::removeHeld);
            TimeUnit.MILLISECONDS.sleep(10); // polls the host's time, which the scale drives
        }
        if (!held.isEmpty()) {
            violations.add("with faults off, handed-out disposables could not be removed: " + held.keySet());
        }
        return leaked(true);
    }

    private long leaked(boolean report) {
        return Leaks.count(sim, engine, held.keySet(), report ? violations::add : v -> { });
    }
}
