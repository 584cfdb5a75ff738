package dispool.systemd;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;
import java.util.Optional;

/**
 * Where systemd listens for notifications. Normally systemd passes both through the environment
 * ({@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC}) and nothing needs setting; these settings
 * override them (tests, or a supervisor that speaks the same protocol).
 */
@ConfigMapping(prefix = "dispool.systemd")
public interface SystemdConfig {

    /** The notification socket (a path, or @name for the abstract namespace). Default: $NOTIFY_SOCKET. */
    Optional<String> notifySocket();

    /** How often to send WATCHDOG=1. Default: half of systemd's $WATCHDOG_USEC; none when that is unset. */
    Optional<Duration> watchdogInterval();
}
