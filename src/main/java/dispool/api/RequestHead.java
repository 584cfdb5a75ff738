package dispool.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.vertx.core.http.impl.Http1xOrH2CHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * The first handler of every API connection (TCP and Unix socket), before Vert.x's HTTP codec. It
 * does two things Vert.x 4.5's server options cannot:
 *
 * <ul>
 *   <li><b>A header deadline.</b> A connection gets {@code timeout} to deliver the complete head
 *       of a request: from its accept, and again each time it has no request in flight (between
 *       keep-alive requests). A client that never ends its head, or dribbles it a byte at a time,
 *       is closed when the deadline passes; each byte it sends does not extend it (the idle timeout
 *       would be extended). {@link #headRead} (from dispool's filter, once a head is parsed) stops
 *       the clock, {@link #requestDone} restarts it when nothing is in flight.</li>
 *   <li><b>Vert.x's own refusals in dispool's shape.</b> A request the codec cannot parse (an
 *       oversized head or request line, a malformed header line) would go to the invalid-request
 *       handler Vert.x gives a connection when it builds it, inside the read that brings the first
 *       whole head, and be answered in that same read. So {@link CodecRefusals} goes right after
 *       Vert.x's decoder and answers those itself. Vert.x adds its decoder inside the first read
 *       too (once the first bytes tell HTTP/1 from h2c): so the first read is passed on in slices
 *       until the decoder is there, and the rest once {@link CodecRefusals} follows it.</li>
 * </ul>
 * All methods run on the connection's event loop, as Netty runs a channel's handlers; the
 * {@link ConnectionGuard} puts them there.
 */
final class RequestHead extends ChannelInboundHandlerAdapter {

    static final String NAME = "dispool-request-head";

    private final long timeoutNanos;
    /** Vert.x's name for its HTTP/1 request decoder in a connection's pipeline. */
    private static final String HTTP_DECODER = "httpDecoder";

    private final BiFunction<Channel, HttpRequest, FullHttpResponse> refusals;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> deadline;
    private int inFlight;
    private boolean refusalsRouted;

    RequestHead(long timeoutNanos, BiFunction<Channel, HttpRequest, FullHttpResponse> refusals) {
        this.timeoutNanos = timeoutNanos;
        this.refusals = refusals;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        ctx = context;
        arm();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        disarm();
        super.channelInactive(context);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (refusalsRouted || !(msg instanceof ByteBuf bytes)) {
            context.fireChannelRead(msg);
            return;
        }
        // Vert.x decides HTTP/1 or h2c from the first bytes, then adds its codec: feed it until it has one.
        while (bytes.isReadable() && !routeRefusals(context)) {
            context.fireChannelRead(bytes.readRetainedSlice(1));
        }
        routeRefusals(context);
        if (bytes.isReadable()) {
            context.fireChannelRead(bytes);
        } else {
            bytes.release();
        }
    }

    /** True once the connection's unparsable requests go to {@code refusals} (or never will: HTTP/2). */
    private boolean routeRefusals(ChannelHandlerContext context) {
        if (refusalsRouted) {
            return true;
        }
        if (context.pipeline().get(Http1xOrH2CHandler.class) != null) {
            return false; // still reading the first bytes: HTTP/1 or h2c is not decided yet
        }
        if (context.pipeline().get(HTTP_DECODER) != null) {
            context.pipeline().addAfter(HTTP_DECODER, CodecRefusals.NAME, new CodecRefusals(refusals));
        }
        refusalsRouted = true;
        return true;
    }

    /** A request's head was parsed: the clock stops until no request is in flight. */
    void headRead() {
        inFlight++;
        disarm();
    }

    /** A request's response ended (or its connection closed). */
    void requestDone() {
        if (inFlight > 0 && --inFlight == 0) {
            arm();
        }
    }

    private void arm() {
        if (deadline == null && ctx != null) {
            deadline = ctx.executor().schedule(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void disarm() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void expire() {
        deadline = null;
        if (inFlight == 0) {
            ctx.close();
        }
    }
}
