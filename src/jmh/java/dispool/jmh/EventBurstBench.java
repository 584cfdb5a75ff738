package dispool.jmh;

import dispool.host.HostEvent;
import dispool.host.QubesHost;
import dispool.host.sim.SimHost;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

/**
 * How many host events per second the engine absorbs: frames pushed into its event subscription,
 * as {@code admin.Events} delivers them, on one thread (qubesd's event stream is one connection).
 * The host is the zero-latency simulator with 4 DVM templates whose pools (max 2) are full.
 *
 * <p><b>Timed:</b> delivery of one frame through the engine's Mutiny subscription, the event
 * router's decision, and whatever it does inline: nothing for a frame about a qube dispool does
 * not own, a reconcile mark for a knob or template change. <b>Not timed, but competing for the
 * CPUs:</b> the reconciles those marks cause, which run on the engine's workers; marks coalesce,
 * so a burst of knob events costs a few reconciles, not one each.
 *
 * <p>{@code kind}: {@code unrelated} (starts, pauses, features and properties of qubes outside
 * any pool), {@code knob} ({@code preload-dispvm-max} set again on a template, to its current
 * value), {@code mixed} (a cycle of 8 frames: 5 unrelated, 1 knob, 1 template property change
 * with no real change, 1 bookkeeping feature on a preload).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class EventBurstBench {

    private static final int TEMPLATES = 4;

    @Param({"unrelated", "knob", "mixed"})
    public String kind;

    private ZeroLatencyEngine zero;
    private volatile MultiEmitter<? super HostEvent> feed;
    private List<HostEvent> frames;
    private int next;

    @Setup(Level.Trial)
    public void start() {
        zero = new ZeroLatencyEngine(TEMPLATES, 2, this::withFeed);
        frames = frames(kind, zero.engine.pool(ZeroLatencyEngine.template(0)).preloads().get(0).name());
    }

    @TearDown(Level.Trial)
    public void stop() {
        zero.close();
    }

    @Benchmark
    public void absorb() {
        feed.emit(frames.get(next));
        next = (next + 1) % frames.size();
    }

    /** The simulator, with the benchmark's frames merged into its event stream. */
    private QubesHost withFeed(SimHost sim) {
        Multi<HostEvent> fed = Multi.createFrom().emitter(em -> feed = em);
        return (QubesHost) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {QubesHost.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("events")) {
                        return Multi.createBy().merging().streams(sim.events(), fed);
                    }
                    try {
                        return method.invoke(sim, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static List<HostEvent> frames(String kind, String preload) {
        String template = ZeroLatencyEngine.template(1);
        HostEvent knob = HostEvent.of(template, "domain-feature-set:preload-dispvm-max", "feature", "preload-dispvm-max",
                "value", "2", "oldvalue", "2");
        List<HostEvent> unrelated = List.of(
                HostEvent.of("work", "domain-start", "start_guid", "True"),
                HostEvent.of("work", "domain-paused"),
                HostEvent.of("work", "domain-feature-set:gui", "feature", "gui", "value", "1"),
                HostEvent.of("personal", "property-set:netvm", "name", "netvm", "newvalue", "sys-firewall", "oldvalue", ""),
                HostEvent.of("vault", "domain-shutdown"));
        return switch (kind) {
            case "unrelated" -> unrelated;
            case "knob" -> List.of(knob);
            case "mixed" -> List.of(unrelated.get(0), knob, unrelated.get(1),
                    HostEvent.of(template, "property-set:label", "name", "label", "newvalue", "red", "oldvalue", "red"),
                    unrelated.get(2), unrelated.get(3),
                    HostEvent.of(preload, "domain-feature-set:preload-dispvm-completed", "feature",
                            "preload-dispvm-completed", "value", "1"),
                    unrelated.get(4));
            default -> throw new IllegalArgumentException("kind '" + kind + "' refused: must be unrelated, knob or mixed");
        };
    }
}
