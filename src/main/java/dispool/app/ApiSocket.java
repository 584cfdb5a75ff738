package dispool.app;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.DomainSocketServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The API's Unix socket ({@code dispool.api.socket}), which Quarkus serves beside TCP (see
 * {@link ApiSocketConfig}). Before the bind its directory is made (mode 0750, the socket's group)
 * and a socket left by a killed dispool is removed; once bound, the socket gets mode 0660 and the
 * group {@code dispool.api.socket-group} (qubes), as qubesd's own socket, so the OS decides who may
 * call. Until then the socket has the umask's mode: with the usual umask (022, or the unit's 077)
 * only its owner may connect, as connecting needs write permission.
 */
@ApplicationScoped
public class ApiSocket {

    private static final Logger LOG = Logger.getLogger(ApiSocket.class);

    @Inject
    DispoolConfig config;

    /** Derived from dispool.api.socket by {@link ApiSocketConfig}: false for a tool run. */
    @ConfigProperty(name = "quarkus.http.domain-socket-enabled", defaultValue = "false")
    boolean serving;

    /** Runs before Quarkus binds its listeners. */
    void onStart(@Observes StartupEvent event) {
        if (serving) {
            config.api().socket().map(Path::of).ifPresent(this::prepare);
        }
    }

    /** Quarkus fires this (asynchronously) once the socket is bound. */
    void onBound(@ObservesAsync DomainSocketServerStart start) {
        config.api().socket().map(Path::of).ifPresent(socket -> {
            try {
                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
                setGroup(socket);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot set mode 0660 on the API socket " + socket + ": " + e.getMessage(), e);
            }
        });
    }

    private void prepare(Path socket) {
        try {
            Path dir = socket.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
                setGroup(dir);
            }
            if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS) && isStaleSocket(socket)) {
                LOG.infof("removing the API socket %s left by a dispool that did not stop cleanly", socket);
                Files.delete(socket);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the API socket " + socket + " (setting dispool.api.socket): "
                    + e.getMessage(), e);
        }
    }

    /** A socket file nobody listens on; a live one (another dispool) is left for the bind to refuse. */
    private static boolean isStaleSocket(Path socket) {
        try {
            if (!Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                return false;
            }
        } catch (IOException gone) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return false;
        } catch (IOException refused) {
            return true;
        }
    }

    private void setGroup(Path path) {
        String group = config.api().socketGroup();
        try {
            GroupPrincipal g = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
            Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(g);
        } catch (UserPrincipalNotFoundException e) {
            LOG.warnf("%s keeps its group: there is no group '%s', so only its owner may use it. Create the group or set "
                    + "dispool.api.socket-group", path, group);
        } catch (IOException e) {
            LOG.warnf("%s keeps its group: cannot give it to group '%s' (%s), so only its owner may use it", path, group,
                    e.getMessage());
        }
    }
}
