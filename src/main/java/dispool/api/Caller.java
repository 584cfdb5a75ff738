package dispool.api;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import java.io.IOException;

/**
 * Who made a request, for the access rules and the audit log. On the Unix socket the kernel says
 * who connected (SO_PEERCRED: numeric uid and pid, read from Netty's epoll channel under the Vert.x
 * connection); on TCP the caller is "token" once it showed the API token, else "anonymous".
 *
 * @param uid the peer's uid on the socket, null on TCP or when the kernel could not be asked
 * @param pid the peer's pid on the socket, null likewise
 */
public record Caller(boolean socket, Integer uid, Integer pid, String address) {

    /** The caller of {@code request}, before any credential is checked. */
    static Caller of(HttpServerRequest request) {
        SocketAddress local = request.localAddress();
        if (local != null && local.isDomainSocket()) {
            PeerCredentials peer = peerCredentials(request.connection());
            return new Caller(true, peer == null ? null : peer.uid(), peer == null ? null : peer.pid(), local.path());
        }
        SocketAddress remote = request.remoteAddress();
        return new Caller(false, null, null, remote == null ? null : remote.host() + ":" + remote.port());
    }

    /** The caller on {@code channel}, a connection whose request Vert.x could not parse. */
    static Caller of(Channel channel) {
        if (channel instanceof EpollDomainSocketChannel epoll) {
            PeerCredentials peer = peerCredentials(epoll);
            return new Caller(true, peer == null ? null : peer.uid(), peer == null ? null : peer.pid(),
                    String.valueOf(epoll.localAddress()));
        }
        return new Caller(false, null, null, channel.remoteAddress() instanceof java.net.InetSocketAddress remote
                ? remote.getAddress().getHostAddress() + ":" + remote.getPort() : null);
    }

    /** Whose refusals {@link RefusalLimiter} counts together: the uid on the socket, the address without its port on TCP. */
    String peer() {
        if (socket || address == null) {
            return who(false);
        }
        int colon = address.lastIndexOf(':');
        return colon < 0 ? address : address.substring(0, colon);
    }

    /** The audit log's "who": {@code uid:N} on the socket, {@code token} or {@code anonymous} on TCP. */
    String who(boolean tokenShown) {
        if (socket) {
            return uid == null ? "socket-peer-unknown" : "uid:" + uid;
        }
        return tokenShown ? "token" : "anonymous";
    }

    private static PeerCredentials peerCredentials(HttpConnection connection) {
        return connection instanceof ConnectionBase base && base.channel() instanceof EpollDomainSocketChannel epoll
                ? peerCredentials(epoll) : null;
    }

    private static PeerCredentials peerCredentials(EpollDomainSocketChannel epoll) {
        try {
            return epoll.peerCredentials();
        } catch (IOException e) {
            return null;
        }
    }
}
