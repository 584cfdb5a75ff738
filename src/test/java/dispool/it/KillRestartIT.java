package dispool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dispool.host.PowerState;
import dispool.host.QubeInfo;
import dispool.host.QubesException;
import dispool.emulator.EmulatorServices;
import dispool.host.qubesd.EventStream;
import dispool.host.qubesd.MemorySource;
import dispool.host.qubesd.QubesdHost;
import dispool.host.qubesd.SocketTransport;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kill -9 restarts as real processes: the packaged service ({@code target/quarkus-app}, built by
 * {@code package}; this runs in {@code verify}) against {@code dispool sim-qubesd}, which keeps the
 * host's state across the service's deaths. The service is killed with SIGKILL at random points of
 * preloading, hand-outs and removals (and sometimes while it is still starting, recovering),
 * then started again. After each restart: every preload that was completed and paused at the kill
 * is kept, every one marked in progress is removed. At the end: no leaked disposable (each is a
 * listed, completed, paused preload or carries the hand-out mark), nothing handed out twice, and
 * everything handed out can be removed through the restarted service. Meanwhile another client
 * makes disposables of the same templates through qubesd and leaves them Halted, as
 * {@code qvm-run --dispvm} does between its create and its start: none of them is ever removed.
 */
class KillRestartIT {

    private static final int KILLS = 24;
    private static final String LIST = "preload-dispvm-x-dispool-list";
    private static final String IN_PROGRESS = "x-dispool-preload-dispvm-in-progress";
    private static final String COMPLETED = "x-dispool-preload-dispvm-completed";
    private static final String HANDED_OUT = "x-dispool-handed-out";
    private static final List<String> TEMPLATES = List.of("default-dvm", "web-dvm");
    private static final Pattern NAME = Pattern.compile("\"name\":\"(disp\\d+)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> children = new ArrayList<>();
    private final Set<String> received = Collections.synchronizedSet(new HashSet<>());
    private final List<String> doubles = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> removed = Collections.synchronizedSet(new HashSet<>());
    /** Disposables another client made of the same templates (as qvm-run --dispvm does), left Halted. */
    private final Set<String> foreign = Collections.synchronizedSet(new HashSet<>());
    private Path dir;
    private Path jar;
    private Path socket;
    private QubesdHost host;

    /** Children are killed whatever happened, so no service or emulator outlives the test. */
    @AfterEach
    void killChildren() {
        children.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
        children.forEach(Process::destroyForcibly);
    }

    @Test
    void killedAtRandomPointsNothingLeaksAndNothingIsHandedOutTwice() throws Exception {
        jar = Path.of(System.getProperty("dispool.app", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        assumeTrue(Files.isRegularFile(jar), "needs the packaged service " + jar + ": runs in mvn verify, after package");
        dir = Files.createTempDirectory("dispool-kill");
        socket = dir.resolve("qubesd.sock");
        startEmulator();
        Random random = new Random(Long.getLong("dispool.kill.seed", 20261201L));
        Snapshot atKill = null;
        int killsWhileStarting = 0;
        for (int round = 0; round < KILLS; round++) {
            int port = freePort();
            Process service = startService(port, round);
            boolean whileStarting = round % 4 == 3;
            if (!whileStarting) {
                awaitUp(port, service);
                checkRecovered(atKill);
            }
            AtomicInteger stop = new AtomicInteger();
            Thread client = new Thread(() -> useService(port, new Random(random.nextLong()), stop), "kill-it-client");
            client.start();
            Thread other = new Thread(this::createForeign, "kill-it-other-client");
            other.start();
            // The kill point: a random moment of the service's life (preloading, hand-outs, removals).
            TimeUnit.MILLISECONDS.sleep(random.nextInt(whileStarting ? 3000 : 1500));
            service.destroyForcibly(); // SIGKILL
            service.waitFor();
            stop.set(1);
            client.join();
            other.join();
            killsWhileStarting += whileStarting ? 1 : 0;
            atKill = Snapshot.take(host);
        }
        int port = freePort();
        Process last = startService(port, KILLS);
        awaitUp(port, last);
        checkRecovered(atKill);
        removeEverythingReceived(port);
        awaitPoolsFull(port);
        checkNoLeak();
        assertEquals(List.of(), doubles, "handed out twice");
        for (String name : Snapshot.take(host).listed) {
            assertTrue(!received.contains(name), name + " was handed out and is in a pool again");
        }
        Set<String> onHost = new HashSet<>();
        host.listQubes().forEach(q -> onHost.add(q.name()));
        List<String> foreignRemoved = foreign.stream().filter(n -> !onHost.contains(n)).sorted().toList();
        assertEquals(List.of(), foreignRemoved, "another client's disposables removed by dispool");
        System.out.printf("kill -9: %d kills (%d while starting), %d hand-outs received, %d removed, 0 leaks, "
                + "0 double hand-outs, %d disposables of another client, 0 of them removed%n", KILLS, killsWhileStarting,
                received.size(), removed.size(), foreign.size());
    }

    // ---------------------------------------------------------------- processes

    private void startEmulator() throws IOException {
        Process p = spawn(List.of(java(), "-XX:TieredStopAtLevel=1", "-Dquarkus.profile=cli", "-Ddispool.sim.time-scale=20",
                "-Ddispool.sim.seed=5", "-Ddispool.sim.total-memory-mib=64000",
                "-Ddispool.sim.templates.web-dvm.features.preload-dispvm-max=2",
                "-jar", jar.toString(), "sim-qubesd", "--socket", socket.toString()), dir.resolve("emulator.log"));
        Awaitility.await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                .until(() -> Files.exists(socket) || !p.isAlive());
        assertTrue(p.isAlive(), () -> "the emulator died: " + tail(dir.resolve("emulator.log")));
        SocketTransport transport = new SocketTransport(socket, Duration.ofSeconds(10));
        host = new QubesdHost(transport, new EmulatorServices(transport), MemorySource.NONE,
                new EventStream.Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)));
    }

    private Process startService(int port, int round) throws IOException {
        return spawn(List.of(java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Ddispool.host=qubesd",
                "-Ddispool.qubes.socket=" + socket, "-Ddispool.qubes.services=emulator", "-Dquarkus.http.port=" + port,
                "-Ddispool.api.token-file=" + dir.resolve("api-token"), "-Ddispool.audit.file=" + dir.resolve("audit.log"),
                "-Ddispool.audit.refused-file=" + dir.resolve("audit-refused.log"),
                "-Ddispool.qubes.creations-file=" + dir.resolve("creations"),
                "-Ddispool.history.dir=" + dir, "-jar", jar.toString()),
                dir.resolve("service-" + round + ".log"));
    }

    private Process spawn(List<String> command, Path log) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        children.add(p);
        return p;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void awaitUp(int port, Process service) {
        Awaitility.await().atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                .until(() -> !service.isAlive() || status(send(port, "GET", "/api/v1/pools")) == 200);
        assertTrue(service.isAlive(), "the service died on start");
    }

    // ---------------------------------------------------------------- the client

    /** Hands out and removes until told to stop; the service may die under it at any call. */
    /** One disposable of each template, made through qubesd by someone else, while the service lives and dies. */
    private void createForeign() {
        for (String t : TEMPLATES) {
            foreign.add(host.createDisposable(t, java.util.Map.of()));
        }
    }

    private void useService(int port, Random r, AtomicInteger stop) {
        while (stop.get() == 0) {
            List<String> mine = new ArrayList<>(received);
            mine.removeAll(removed);
            if (!mine.isEmpty() && (r.nextInt(10) < 4 || mine.size() > 6)) { // keep the host's memory for the pools
                String name = mine.get(r.nextInt(mine.size()));
                HttpResponse<String> d = send(port, "DELETE", "/api/v1/dispvms/" + name);
                if (status(d) == 204) {
                    removed.add(name);
                }
                pauseIfDown(d);
            } else {
                HttpResponse<String> h = send(port, "POST", "/api/v1/pools/" + TEMPLATES.get(r.nextInt(2)) + "/dispvms");
                Matcher m = h == null || h.statusCode() != 201 ? null : NAME.matcher(h.body());
                if (m != null && m.find() && !received.add(m.group(1))) {
                    doubles.add(m.group(1));
                }
                pauseIfDown(h);
            }
        }
    }

    /** While the service is down (starting, or killed), the client does not spin on refused connections. */
    private static void pauseIfDown(HttpResponse<String> r) {
        if (r == null) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** A call with the service's API token once it wrote one (the first start creates it). */
    private HttpResponse<String> send(int port, String method, String path) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30));
            Path token = dir.resolve("api-token");
            if (Files.isReadable(token) && !Files.readString(token).isBlank()) {
                b.header("Authorization", "Bearer " + Files.readString(token).strip());
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null; // the service is down or was killed mid-call
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static int status(HttpResponse<String> r) {
        return r == null ? -1 : r.statusCode();
    }

    // ---------------------------------------------------------------- checks

    /** The host's disposables as the kill left them. */
    private record Snapshot(Set<String> listed, Set<String> completedPaused, Set<String> inProgress) {
        static Snapshot take(QubesdHost host) {
            Set<String> listed = new HashSet<>();
            Set<String> completed = new HashSet<>();
            Set<String> inProgress = new HashSet<>();
            for (String t : TEMPLATES) {
                String list = host.feature(t, LIST).orElse("").trim();
                listed.addAll(list.isEmpty() ? List.of() : Arrays.asList(list.split("\\s+")));
            }
            for (QubeInfo q : host.listQubes()) {
                try {
                    if (!q.isDispVm()) {
                        continue;
                    }
                    if (!host.feature(q.name(), IN_PROGRESS).orElse("").isEmpty()) {
                        inProgress.add(q.name());
                    } else if (listed.contains(q.name()) && host.feature(q.name(), COMPLETED).isPresent()
                            && q.state() == PowerState.Paused) {
                        completed.add(q.name());
                    }
                } catch (QubesException e) {
                    // gone since the listing: a kill the dead service asked for finished after it died
                }
            }
            return new Snapshot(listed, completed, inProgress);
        }
    }

    /** After a restart: completed preloads kept (and still listed), interrupted ones removed. */
    private void checkRecovered(Snapshot atKill) {
        if (atKill == null) {
            return;
        }
        Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                .until(() -> atKill.inProgress.stream().noneMatch(this::exists));
        for (String name : atKill.completedPaused) {
            assertTrue(exists(name), "the completed preload " + name + " was not kept across the restart");
        }
    }

    private boolean exists(String name) {
        try {
            host.qube(name);
            return true;
        } catch (QubesException e) {
            return false;
        }
    }

    private void awaitPoolsFull(int port) {
        Awaitility.await().atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (String t : TEMPLATES) {
                HttpResponse<String> r = send(port, "GET", "/api/v1/pools/" + t);
                if (r == null || !r.body().contains("\"ready\":2,") || !r.body().contains("\"starting\":0")) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Every disposable is a listed, completed, paused preload, or one dispool handed out (marked). */
    private void checkNoLeak() {
        Snapshot now = Snapshot.take(host);
        assertEquals(Set.of(), now.inProgress, "nothing is left in progress once the pools are full");
        assertEquals(4, now.completedPaused.size(), "two preloads per template: " + now.completedPaused);
        for (QubeInfo q : host.listQubes()) {
            if (q.isDispVm() && !now.completedPaused.contains(q.name()) && !foreign.contains(q.name())) {
                assertTrue(host.feature(q.name(), HANDED_OUT).isPresent(), q.name() + " (" + q.state()
                        + ") leaked: neither a pool's preload nor handed out");
            }
        }
    }

    private void removeEverythingReceived(int port) {
        for (String name : new ArrayList<>(received)) {
            if (!removed.contains(name) && exists(name)) {
                assertEquals(204, status(send(port, "DELETE", "/api/v1/dispvms/" + name)), name + " could not be removed");
                removed.add(name);
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
