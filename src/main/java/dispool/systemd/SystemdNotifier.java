package dispool.systemd;

import dispool.app.DispoolConfig;
import dispool.pool.DispoolEngine;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServerStart;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Tells systemd (Type=notify) how the service is: READY=1 once the engine has adopted the pools
 * and the HTTP listener answers, WATCHDOG=1 while the engine's timer thread still runs its tasks,
 * STOPPING=1 when shutdown begins. Silent when no notification socket is configured (started by
 * hand, or by a unit of Type=simple).
 */
@ApplicationScoped
public class SystemdNotifier {

    private static final Logger LOG = Logger.getLogger(SystemdNotifier.class);

    private final Object lock = new Object();
    private boolean engineStarted;
    private boolean httpStarted;
    private boolean ready;
    private SdNotify notify;
    private ScheduledExecutorService watchdog;
    private Optional<Duration> interval = Optional.empty();

    /** After EngineProducer's start (default priority): the pools are adopted by then. */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 900) StartupEvent event,
                 SystemdConfig systemd, DispoolConfig config, Instance<DispoolEngine> engines) {
        Optional<String> socket = systemd.notifySocket().or(() -> Optional.ofNullable(System.getenv("NOTIFY_SOCKET")))
                .filter(s -> !s.isBlank());
        if (socket.isEmpty() || !config.engine().enabled()) {
            return;
        }
        synchronized (lock) {
            notify = new SdNotify(socket.get());
            engineStarted = true;
        }
        interval = watchdogInterval(systemd);
        readyIfBoth(engines);
    }

    /** Quarkus fires this asynchronously once the HTTP listener is bound. */
    void onHttp(@ObservesAsync HttpServerStart event, Instance<DispoolEngine> engines) {
        synchronized (lock) {
            httpStarted = true;
        }
        readyIfBoth(engines);
    }

    /** Before the engine closes (EngineProducer's stop runs at the default priority, after this). */
    void onStop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        SdNotify n;
        synchronized (lock) {
            n = notify;
            if (watchdog != null) {
                watchdog.shutdownNow();
            }
        }
        if (n != null) {
            sendQuietly(n, "STOPPING=1\nSTATUS=stopping: ready preloads stay paused for the next start\n");
        }
    }

    private void readyIfBoth(Instance<DispoolEngine> engines) {
        SdNotify n;
        synchronized (lock) {
            if (ready || !engineStarted || !httpStarted) {
                return;
            }
            ready = true;
            n = notify;
        }
        DispoolEngine engine = engines.get();
        sendQuietly(n, "READY=1\nSTATUS=" + status(engine) + "\nMAINPID=" + ProcessHandle.current().pid() + "\n");
        interval.ifPresent(every -> startWatchdog(every, engine));
    }

    private void startWatchdog(Duration every, DispoolEngine engine) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dispool-systemd-watchdog");
            t.setDaemon(true);
            return t;
        });
        synchronized (lock) {
            watchdog = s;
        }
        long nanos = every.toNanos();
        s.scheduleAtFixedRate(() -> beat(engine, every), 0, nanos, TimeUnit.NANOSECONDS);
    }

    /** No beat when the engine's timer is stuck or dead: systemd then restarts the service. */
    private void beat(DispoolEngine engine, Duration every) {
        if (engine.isAlive(every)) {
            sendQuietly(notify, "WATCHDOG=1\n");
        } else {
            LOG.errorf("engine timer thread did not run a task within %s: no WATCHDOG=1, systemd will restart dispool", every);
        }
    }

    /**
     * Half of systemd's WATCHDOG_USEC (as sd_watchdog_enabled(3) advises), unless the setting
     * overrides it; none when systemd asked another process (WATCHDOG_PID) or no watchdog is on.
     */
    static Optional<Duration> watchdogInterval(SystemdConfig systemd) {
        if (systemd.watchdogInterval().isPresent()) {
            return systemd.watchdogInterval();
        }
        String usec = System.getenv("WATCHDOG_USEC");
        String pid = System.getenv("WATCHDOG_PID");
        if (usec == null || usec.isBlank() || (pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid())))) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Long.parseLong(usec.strip()) * 1000 / 2));
    }

    private static String status(DispoolEngine engine) {
        return "pools " + engine.pools().stream().map(p -> p.template() + " " + p.ready() + "/" + p.max())
                .collect(Collectors.joining(", "));
    }

    private static void sendQuietly(SdNotify n, String state) {
        try {
            n.send(state);
        } catch (RuntimeException e) {
            LOG.warnf("systemd notification not delivered: %s", e.getMessage());
        }
    }
}
