package dispool.jmh;

import dispool.pool.HandOut;
import io.smallrye.mutiny.Uni;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * The hand-out hot path: {@code DispoolEngine.handOut(template)} taking a ready preload, on the
 * embedded simulator with zero latency (every host call returns at once), at 1, 4 and 16 caller
 * threads. AverageTime gives the mean; SampleTime gives p50/p99.
 *
 * <p><b>Timed:</b> what a REST hand-out costs inside the engine: building the {@code Uni}, the hop
 * to an engine worker, the template lookup, the claim (a compare-and-set), the unpause (one host
 * call, zero latency but with the simulator's lock and its {@code domain-unpaused} event, which
 * the engine's event router receives), the bookkeeping (pool and index removal, the
 * {@code HANDED_OUT} event, the refill hold and reconcile mark), and the hop back to the caller.
 *
 * <p><b>Not timed</b> (JMH {@code Level.Invocation} helpers): waiting until the caller's pool has
 * a ready preload (or is full, see {@link Engine#before}), and removing the disposable handed out. Each caller thread has its own DVM
 * template (pool of {@value #POOL}), so a thread never finds its pool emptied by another and
 * every timed call takes a ready preload; the threads still share the engine, its workers and the
 * host. The refills (create, start, readiness, pause, features) run on the engine's workers
 * meanwhile and compete for the same CPUs, as they do in the service.
 *
 * <p>{@code callerThread*} time the same hand-out run on the caller's thread
 * ({@code handOutOnCallerThread}): the claim, the unpause and the bookkeeping without the hop.
 * {@link Hop} is the control: the thread hop alone, on the same machine.
 *
 * <p>The trial's teardown prints which path the hand-outs took (ready / waited for a starting
 * preload / cold) and the host calls on the critical path ({@link CriticalPathCheck}).
 */
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HandOutBench {

    static final int POOL = 4;
    static final int MAX_THREADS = 16;

    /** One engine for all caller threads of a trial. */
    @State(Scope.Benchmark)
    public static class Engine {
        /**
         * What a caller waits for, untimed, before each hand-out: {@code ready} (one ready preload;
         * its own pool's refills still run beside the next hand-outs) or {@code full} (its pool full
         * and no preload starting: the hand-out alone, as an occasional interactive request finds it).
         */
        @Param({"ready", "full"})
        public String before;

        /**
         * {@code sim}: the zero-latency simulator, whose unpause takes its lock and fires
         * {@code domain-unpaused} into the engine; {@code stub}: the same, but the unpause returns
         * at once (as HikariCP's benchmarks use a stub driver), so only dispool's own work is timed.
         */
        @Param({"sim", "stub"})
        public String host;

        ZeroLatencyEngine zero;
        final Map<String, LongAdder> paths = new ConcurrentHashMap<>();

        @Setup(Level.Trial)
        public void start() {
            zero = new ZeroLatencyEngine(MAX_THREADS, POOL, host.equals("stub")
                    ? sim -> ZeroLatencyEngine.intercepted(sim, "unpause"::equals) : sim -> sim);
        }

        @TearDown(Level.Trial)
        public void report() {
            zero.close();
            System.out.println("\nhand-out paths taken: " + paths);
            System.out.println(CriticalPathCheck.run(100));
        }
    }

    /** One caller thread, with its own template. */
    @State(Scope.Thread)
    public static class Caller {
        String template;
        HandOut last;

        @Setup(Level.Trial)
        public void pickTemplate(ThreadParams thread) {
            template = ZeroLatencyEngine.template(thread.getThreadIndex());
        }

        @Setup(Level.Invocation)
        public void awaitPool(Engine e) {
            if (e.before.equals("full")) {
                e.zero.awaitPool(template, p -> p.ready() == POOL && p.starting() == 0);
            } else {
                e.zero.awaitPool(template, p -> p.ready() > 0);
            }
        }

        @TearDown(Level.Invocation)
        public void removeHandedOut(Engine e) {
            e.paths.computeIfAbsent(path(last), k -> new LongAdder()).increment();
            e.zero.engine.removeDisposable(last.name()).await().indefinitely();
        }

        HandOut take(Engine e) {
            last = e.zero.engine.handOut(template).await().indefinitely();
            return last;
        }

        HandOut takeOnThisThread(Engine e) {
            last = e.zero.engine.handOutOnCallerThread(template);
            return last;
        }

        private static String path(HandOut h) {
            if (!h.preloaded()) {
                return "cold";
            }
            return h.timings().containsKey("wait-operational") ? "waited-for-starting" : "ready";
        }
    }

    /**
     * The control: the same hop to a cached thread pool and back that {@code handOut} makes (a
     * {@code Uni} with {@code runSubscriptionOn}, awaited), with nothing done on the other side.
     * What the hand-out costs above this is dispool's own work; the hop itself is this machine's
     * thread wake-up and scheduling.
     */
    @State(Scope.Benchmark)
    public static class Hop {
        ExecutorService pool;

        @Setup(Level.Trial)
        public void start() {
            pool = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "hop");
                t.setDaemon(true);
                return t;
            });
        }

        @TearDown(Level.Trial)
        public void stop() {
            pool.shutdownNow();
        }

        String hop() {
            return Uni.createFrom().item("hop").runSubscriptionOn(pool).await().indefinitely();
        }
    }

    @Benchmark
    @Threads(1)
    public String hopOnly01(Hop h) {
        return h.hop();
    }

    @Benchmark
    @Threads(4)
    public String hopOnly04(Hop h) {
        return h.hop();
    }

    @Benchmark
    @Threads(MAX_THREADS)
    public String hopOnly16(Hop h) {
        return h.hop();
    }

    /** The claim and its bookkeeping on the caller's own thread: the hand-out without the hop. */
    @Benchmark
    @Threads(1)
    public HandOut callerThread01(Engine e, Caller c) {
        return c.takeOnThisThread(e);
    }

    @Benchmark
    @Threads(4)
    public HandOut callerThread04(Engine e, Caller c) {
        return c.takeOnThisThread(e);
    }

    @Benchmark
    @Threads(MAX_THREADS)
    public HandOut callerThread16(Engine e, Caller c) {
        return c.takeOnThisThread(e);
    }

    @Benchmark
    @Threads(1)
    public HandOut threads01(Engine e, Caller c) {
        return c.take(e);
    }

    @Benchmark
    @Threads(4)
    public HandOut threads04(Engine e, Caller c) {
        return c.take(e);
    }

    @Benchmark
    @Threads(MAX_THREADS)
    public HandOut threads16(Engine e, Caller c) {
        return c.take(e);
    }
}
