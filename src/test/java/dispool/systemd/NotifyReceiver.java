package dispool.systemd;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** systemd's side in tests: a bound AF_UNIX datagram socket that receives notifications. */
final class NotifyReceiver implements AutoCloseable {

    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;

    private final int fd;

    NotifyReceiver(String name) {
        fd = SdNotify.LibC.INSTANCE.socket(SdNotify.AF_UNIX, SdNotify.SOCK_DGRAM | SdNotify.SOCK_CLOEXEC, 0);
        byte[] addr = SdNotify.sockaddr(name);
        if (fd < 0 || SdNotify.LibC.INSTANCE.bind(fd, addr, addr.length) != 0) {
            throw new IllegalStateException("cannot bind a datagram socket at " + name + ", errno " + Native.getLastError());
        }
    }

    /** The next datagram, or null when none arrives within {@code timeout}. */
    String receive(Duration timeout) {
        ByteBuffer tv = ByteBuffer.allocate(Native.LONG_SIZE * 2).order(ByteOrder.nativeOrder());
        if (Native.LONG_SIZE == 8) {
            tv.putLong(timeout.toSeconds()).putLong(timeout.toMillisPart() * 1000L);
        } else {
            tv.putInt((int) timeout.toSeconds()).putInt(timeout.toMillisPart() * 1000);
        }
        SdNotify.LibC.INSTANCE.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv.array(), tv.capacity());
        byte[] buf = new byte[4096];
        long n = SdNotify.LibC.INSTANCE.recv(fd, buf, new NativeLong(buf.length), 0).longValue();
        return n < 0 ? null : new String(buf, 0, (int) n, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        SdNotify.LibC.INSTANCE.close(fd);
    }
}
