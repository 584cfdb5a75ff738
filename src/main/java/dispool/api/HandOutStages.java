package dispool.api;

import dispool.pool.HandOut;
import io.vertx.ext.web.RoutingContext;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Where one REST hand-out's time goes on the server, as a JFR event: off unless a recording enables
 * {@code dispool.HandOutStages} (then it costs a check per request and nothing else), so the hot path
 * carries no stamps in service. The stamps are {@link System#nanoTime()}, which on Linux is the
 * machine's monotonic clock: a load bench in another JVM on the same machine reads the same clock, so
 * its send and receive times join these (docs/benchmarks.md, "REST").
 */
@Name("dispool.HandOutStages")
@Label("REST hand-out stages")
@Category({"dispool", "REST"})
@Description("One POST /api/v1/pools/T/dispvms: nanoTime stamps at the door (filter), at the resource, when the engine's "
        + "worker had the disposable, and when the answer was ended")
@Enabled(false)
@StackTrace(false)
public class HandOutStages extends Event {

    private static final String KEY = "dispool.handOutStages";

    @Label("Door")
    @Description("nanoTime when dispool's filter saw the request's head (on the event loop)")
    long doorNanos;

    @Label("Event loop")
    String eventLoop;

    @Label("Resource")
    @Description("nanoTime when the resource method ran: routed, filtered, RESTEasy's dispatch done")
    long resourceNanos;

    @Label("Engine done")
    @Description("nanoTime when the engine's worker had the disposable, running")
    long engineDoneNanos;

    @Label("Worker")
    String worker;

    @Label("Writing")
    @Description("nanoTime when the answer's head was about to be written (its headers-end handler)")
    long writingNanos;

    @Label("Written by")
    String writtenBy;

    @Label("Answered")
    @Description("nanoTime when the request's end handler ran (Vert.x runs it on the event loop after the answer's write)")
    long answeredNanos;

    @Label("Answered on")
    String answeredOn;

    @Label("Disposable")
    String qube;

    @Label("Usable after, host ms")
    double usableAfterMs;

    @Label("Status")
    int status;

    @Label("Method")
    String method;

    /** At the door: starts the stamps of this request when a recording wants them. */
    static void atDoor(RoutingContext ctx) {
        HandOutStages stages = new HandOutStages();
        if (stages.isEnabled()) {
            stages.begin();
            stages.doorNanos = System.nanoTime();
            stages.eventLoop = Thread.currentThread().getName();
            ctx.put(KEY, stages);
            ctx.addHeadersEndHandler(v -> {
                stages.writingNanos = System.nanoTime();
                stages.writtenBy = Thread.currentThread().getName();
            });
        }
    }

    /** This request's stamps, or null when no recording wants them. */
    static HandOutStages of(RoutingContext ctx) {
        return ctx == null ? null : ctx.get(KEY);
    }

    void routed() {
        resourceNanos = System.nanoTime();
    }

    void engineDone(HandOut handOut) {
        engineDoneNanos = System.nanoTime();
        worker = Thread.currentThread().getName();
        qube = handOut.name();
        usableAfterMs = handOut.usableAfterMs();
    }

    /**
     * At the request's end. Every request is recorded, the returns too: they share the event loops with the
     * hand-outs; only a hand-out has the resource's and the engine's stamps.
     */
    static void answered(RoutingContext ctx) {
        HandOutStages stages = of(ctx);
        if (stages != null) {
            stages.method = ctx.request().method().name();
            stages.answeredNanos = System.nanoTime();
            stages.answeredOn = Thread.currentThread().getName();
            stages.status = ctx.response().getStatusCode();
            stages.end();
            stages.commit();
        }
    }
}
