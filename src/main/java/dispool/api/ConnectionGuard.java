package dispool.api;

import dispool.app.DispoolConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.quarkus.vertx.http.DomainSocketServerStart;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.TCPServerBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import java.lang.reflect.Field;
import org.jboss.logging.Logger;

/**
 * Puts a {@link RequestHead} first on every connection the API's listeners (TCP and the Unix
 * socket) accept: a deadline for each request's head, and Vert.x's codec refusals routed to
 * dispool's JSON and audit.
 *
 * <p>Why this way: Quarkus 3.32 creates and binds the Vert.x servers itself, and Vert.x 4.5 reads
 * a server's connection and invalid-request handlers once, when it binds ({@code
 * HttpServerImpl.childHandler} hands them to an {@code HttpServerConnectionHandler} with final
 * fields), while {@code HttpServerOptions} has an idle timeout (which every byte resets) but no
 * deadline for a request's head. What is left is Netty: each bound server's listening channel,
 * whose pipeline sees every accepted connection before Vert.x configures it. Vert.x keeps that
 * channel in the private {@code TCPServerBase.bindFuture}, read here once per server; a later
 * Vert.x without that field gets an error in the log naming it, not silence. A listener missed at
 * start is guarded from the first request that reaches the filter ({@link #headRead}).
 */
@ApplicationScoped
public class ConnectionGuard {

    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class);

    @Inject
    DispoolConfig config;

    @Inject
    Vertx vertx;

    @Inject
    ApiAccess access;

    void onTcp(@ObservesAsync HttpServerStart start) {
        installOnBoundServers();
    }

    void onSocket(@ObservesAsync DomainSocketServerStart start) {
        installOnBoundServers();
    }

    /** Every bound HTTP server of this Vert.x: the API's TCP listener and its Unix socket. */
    private void installOnBoundServers() {
        for (HttpServerImpl server : ((VertxInternal) vertx).sharedHttpServers().values()) {
            Channel listening = listeningChannel(server);
            if (listening != null) {
                install(listening);
            }
        }
    }

    /** The filter saw a request's head: its connection's clock stops (and its listener is guarded, if not yet). */
    void headRead(HttpServerRequest request) {
        Channel channel = channelOf(request);
        if (channel == null) {
            return;
        }
        if (channel.parent() != null) {
            install(channel.parent());
        }
        onLoop(channel, RequestHead::headRead);
    }

    /** The response to a request whose head {@link #headRead} saw has ended. */
    void requestDone(HttpServerRequest request) {
        Channel channel = channelOf(request);
        if (channel != null) {
            onLoop(channel, RequestHead::requestDone);
        }
    }

    private void install(Channel listening) {
        if (listening.pipeline().get(AcceptHook.class) == null) {
            synchronized (this) {
                if (listening.pipeline().get(AcceptHook.class) == null) {
                    listening.pipeline().addFirst(new AcceptHook());
                    LOG.infof("API connections on %s get %d ms to send each request's head (dispool.api.header-timeout)",
                            listening.localAddress(), config.api().headerTimeout().toMillis());
                }
            }
        }
    }

    private static void onLoop(Channel channel, java.util.function.Consumer<RequestHead> action) {
        RequestHead head = channel.pipeline().get(RequestHead.class);
        if (head == null) {
            return;
        }
        if (channel.eventLoop().inEventLoop()) {
            action.accept(head);
        } else {
            channel.eventLoop().execute(() -> action.accept(head));
        }
    }

    private static Channel channelOf(HttpServerRequest request) {
        return request.connection() instanceof ConnectionBase base ? base.channel() : null;
    }

    private static Channel listeningChannel(TCPServerBase server) {
        try {
            Field bound = TCPServerBase.class.getDeclaredField("bindFuture");
            bound.setAccessible(true);
            Future<?> future = (Future<?>) bound.get(server);
            return future != null && future.result() instanceof Channel channel ? channel : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot reach the listening channel of Vert.x's HTTP server (TCPServerBase."
                    + "bindFuture, Vert.x 4.5): the API's header deadline (dispool.api.header-timeout) and its codec "
                    + "refusals need it; this Vert.x is not the one dispool was built with", e);
        }
    }

    /** On the listening channel: each accepted connection gets its {@link RequestHead} before Vert.x sees it. */
    @ChannelHandler.Sharable
    private final class AcceptHook extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel accepted) {
                accepted.pipeline().addFirst(RequestHead.NAME,
                        new RequestHead(config.api().headerTimeout().toNanos(), access::refuseUnparsed));
            }
            ctx.fireChannelRead(msg);
        }
    }
}
