package dispool.host.qubesd;

import dispool.host.qubesd.wire.AdminCall;
import java.io.InputStream;

/**
 * How Admin API calls reach qubesd: the Unix socket in dom0 ({@link SocketTransport}) or qrexec
 * from a management qube ({@link QrexecTransport}). Both deliver qubesd's raw reply bytes; the
 * codec ({@code wire/}) reads them.
 */
public interface Transport {

    /** Sends one call and returns every byte of the reply (read to EOF); throws on I/O trouble. */
    byte[] call(AdminCall call);

    /**
     * Opens a streaming call ({@code admin.Events}); closing the stream ends the subscription.
     * Reads throw {@link java.io.IOException} when the connection breaks.
     */
    InputStream openStream(AdminCall call);

    /** For logs and errors: {@code qubesd socket /var/run/qubesd.sock} or {@code qrexec-client-vm}. */
    String describe();
}
