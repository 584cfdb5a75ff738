package dispool.systemd;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * systemd's notification protocol (sd_notify(3)): one datagram of {@code KEY=VALUE} lines to the
 * AF_UNIX socket named by {@code $NOTIFY_SOCKET}. The JDK's Unix sockets are stream-only, so the
 * datagram goes through libc via JNA. A name starting with '@' is in the abstract namespace.
 */
public final class SdNotify {

    static final int AF_UNIX = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    /** Never block (a full queue fails with EAGAIN instead of stalling a shutdown), never SIGPIPE. */
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_NOSIGNAL = 0x4000;
    /** sizeof(sockaddr_un.sun_path) on Linux. */
    static final int PATH_MAX = 108;

    /** The few libc calls a datagram socket needs. */
    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int socket(int domain, int type, int protocol);

        NativeLong sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrLen);

        int bind(int fd, byte[] addr, int addrLen);

        NativeLong recv(int fd, byte[] buf, NativeLong len, int flags);

        int setsockopt(int fd, int level, int option, byte[] value, int valueLen);

        int close(int fd);
    }

    private final String socketName;

    /** @param socketName a path, or '@' and a name in the abstract namespace (as systemd sets it) */
    public SdNotify(String socketName) {
        if (socketName == null || socketName.isEmpty() || socketName.equals("@")) {
            throw new IllegalArgumentException("NOTIFY_SOCKET '" + socketName
                    + "' refused: give an absolute path or @name of an AF_UNIX datagram socket");
        }
        sockaddr(socketName); // refuses a name too long now, not at the first message
        this.socketName = socketName;
    }

    public String socketName() {
        return socketName;
    }

    /** Sends one notification ({@code READY=1}, {@code WATCHDOG=1}, ...); throws when it cannot be delivered. */
    public void send(String state) {
        byte[] payload = state.getBytes(StandardCharsets.UTF_8);
        byte[] addr = sockaddr(socketName);
        int fd = LibC.INSTANCE.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IllegalStateException("sd_notify: socket(AF_UNIX, SOCK_DGRAM) failed, errno " + Native.getLastError());
        }
        try {
            long sent = LibC.INSTANCE.sendto(fd, payload, new NativeLong(payload.length), MSG_DONTWAIT | MSG_NOSIGNAL, addr,
                    addr.length).longValue();
            if (sent != payload.length) {
                throw new IllegalStateException("sd_notify: sending '" + state.strip() + "' to " + socketName
                        + " failed, errno " + Native.getLastError() + " (is systemd's NOTIFY_SOCKET still there?)");
            }
        } finally {
            LibC.INSTANCE.close(fd);
        }
    }

    /**
     * struct sockaddr_un for {@code name}, trimmed to its used length as systemd does: family,
     * then the path with its NUL, or a NUL and the abstract name (no terminator).
     */
    static byte[] sockaddr(String name) {
        boolean isAbstract = name.startsWith("@");
        byte[] path = (isAbstract ? name.substring(1) : name).getBytes(StandardCharsets.UTF_8);
        int pathLen = path.length + 1;
        if (pathLen > PATH_MAX) {
            throw new IllegalArgumentException("NOTIFY_SOCKET '" + name + "' refused: " + path.length
                    + " bytes, a Unix socket name holds at most " + (PATH_MAX - 1));
        }
        ByteBuffer b = ByteBuffer.allocate(2 + pathLen).order(ByteOrder.nativeOrder());
        b.putShort((short) AF_UNIX);
        if (isAbstract) {
            b.put((byte) 0).put(path);
        } else {
            b.put(path).put((byte) 0);
        }
        return b.array();
    }
}
