package dispool.api;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.function.BiFunction;

/**
 * Right after Vert.x's HTTP/1 decoder on an API connection: a request head the decoder could not
 * parse (an oversized head or request line, a malformed header line) is answered here with the
 * answer {@code refusals} gives (dispool's JSON error, audited) and the connection closed, where
 * Vert.x would answer an empty 431/414/400 and audit nothing. Whatever the decoder passes after it
 * is dropped: once a head is unparsable the bytes no longer frame requests.
 */
final class CodecRefusals extends ChannelInboundHandlerAdapter {

    static final String NAME = "dispool-codec-refusals";

    private final BiFunction<Channel, HttpRequest, FullHttpResponse> refusals;
    private boolean refused;

    CodecRefusals(BiFunction<Channel, HttpRequest, FullHttpResponse> refusals) {
        this.refusals = refusals;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof HttpRequest request && request.decoderResult().isFailure()) {
            refused = true;
            FullHttpResponse answer = refusals.apply(ctx.channel(), request);
            ReferenceCountUtil.release(msg);
            // from the pipeline's tail, so that Vert.x's encoder (after this handler) writes it
            ctx.channel().writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.fireChannelRead(msg);
        }
    }
}
