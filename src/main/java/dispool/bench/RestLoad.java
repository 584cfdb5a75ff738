package dispool.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST hand-out path's latency under load: {@code clients} callers, each on its own kept-alive
 * connection (TCP with the token, or the Unix socket), hand out a disposable of one template
 * ({@code POST /api/v1/pools/T/dispvms}) and return it ({@code DELETE /api/v1/dispvms/NAME}), as fast
 * as they can, for a warm-up and then a measured period. Prints p50, p99 and p99.9 of the hand-out
 * and of the return, in ms, and the requests per second. HTTP/1.1 written by hand over a socket
 * channel, the same for both transports: the JDK's client cannot reach a Unix socket, and its own
 * cost would be in the figures. Run against a service on a zero-latency host (the simulator at a
 * huge time scale) so that the figures are dispool's REST path, not the host.
 *
 * <pre>java -cp target/classes dispool.bench.RestLoad (--socket PATH | --tcp PORT --token-file F)
 *     [--template T] [--clients 16] [--warmup-seconds 60] [--seconds 30] [--pid SERVICE_PID] [--pace-ms 0]
 *     [--stagger] [--time-scale S] [--trace FILE]</pre>
 * With {@code --pace-ms}, each client starts a hand-out at most every so many ms: the latency at an
 * offered rate below the service's capacity, where without it 16 callers keep 2 cores saturated. The callers
 * start together, so paced they send in step: every pace period a burst of {@code clients} hand-outs at once.
 * {@code --stagger} spreads their starts evenly over one period: the same rate, one hand-out at a time.
 * With {@code --pid}, also the service's CPU time per hand-out and return over the measured part and its
 * resident memory at the end (and peak);
 * always the callers' own (they share the cores). With {@code --time-scale} (the simulator's), also where
 * the hand-out's mean goes: the caller, the service and the engine ({@link RestServerTimes}). Answers other than 201/204 are counted by status,
 * and the first of each status is printed with its body: what went wrong, not only how often.
 * With {@code --trace}, each measured hand-out's send and receive time and disposable go to FILE ({@link RestLoadTrace}).
 */
public final class RestLoad {

    private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)\"");
    /** The JVM's collector threads by name (/proc's comm): serial's VM Thread, parallel's and G1's, Shenandoah's, ZGC's. */
    private static final Pattern GC_THREAD = Pattern.compile("VM Thread|GC Thread.*|G1 .*|Shenandoah.*|Z[A-Z]\\w*.*");

    private final SocketAddress address;
    private final String host;
    private final String auth;
    private final String template;
    private final long paceNanos;
    /** The simulator's time scale, to read each answer's usableAfterMs (host time) in wall time; 0: not read. */
    private final double timeScale;
    /** Whether paced callers start evenly spread over one pace period rather than together. */
    private final boolean stagger;
    /** The first answer of each status other than 201/204, with its request's method: what the errors were. */
    private final Map<Integer, String> firstErrors = new ConcurrentHashMap<>();
    /** Hand-outs of the current run that waited for a preload still starting (the pool had none ready). */
    private final LongAdder waitedForStart = new LongAdder();
    /** The measured part's hand-outs, each with its send and receive time, with {@code --trace}; null: not kept. */
    private volatile RestLoadTrace trace;

    /** @param paceNanos each client starts a hand-out at most this often (0: as soon as its last one was returned) */
    RestLoad(SocketAddress address, String host, String auth, String template, long paceNanos, double timeScale,
            boolean stagger) {
        this.address = address;
        this.host = host;
        this.auth = auth;
        this.template = template;
        this.paceNanos = paceNanos;
        this.timeScale = timeScale;
        this.stagger = stagger;
    }

    public static void main(String[] args) throws Exception {
        Args a = new Args(args);
        SocketAddress address;
        String host;
        String auth = "";
        if (a.get("--socket") != null) {
            address = UnixDomainSocketAddress.of(a.get("--socket"));
            host = "localhost";
        } else {
            int port = Integer.parseInt(a.get("--tcp"));
            address = new InetSocketAddress("127.0.0.1", port);
            host = "localhost:" + port;
            auth = "Authorization: Bearer " + Files.readString(Path.of(a.get("--token-file"))).trim() + "\r\n";
        }
        RestLoad load = new RestLoad(address, host, auth, a.getOr("--template", "bench-dvm"),
                Long.parseLong(a.getOr("--pace-ms", "0")) * 1_000_000L, Double.parseDouble(a.getOr("--time-scale", "0")),
                Arrays.asList(args).contains("--stagger"));
        int clients = Integer.parseInt(a.getOr("--clients", "16"));
        // 60 s: after 10 the JIT still compiles, a third of the service's CPU in the measured part, where the service
        // runs for days (docs/benchmarks/2026-12-09-rest-tail/warmup)
        Result warmUp = load.run(clients, Long.parseLong(a.getOr("--warmup-seconds", "60")) * 1_000_000_000L);
        load.trace = a.get("--trace") == null ? null : new RestLoadTrace();
        String pid = a.get("--pid");
        double cpuBefore = pid == null ? 0 : cpuSeconds(pid);
        long gcBefore = pid == null ? 0 : gcThreadsNanos(pid);
        // the callers share the machine's cores with the service: their own CPU is part of the budget
        String self = String.valueOf(ProcessHandle.current().pid());
        double clientBefore = cpuSeconds(self);
        Map<String, ThreadWaits.Times> serviceWaits = pid == null ? null : ThreadWaits.read(pid);
        double[] timerBefore = load.timeScale > 0 ? load.handOutTimer() : null;
        long from = System.currentTimeMillis();
        Result r = load.run(clients, Long.parseLong(a.getOr("--seconds", "30")) * 1_000_000_000L);
        long to = System.currentTimeMillis();
        double[] timerAfter = load.timeScale > 0 ? load.handOutTimer() : null;
        int pairs = Math.max(1, r.handOut().length);
        String cpu = (pid == null ? "" : String.format(Locale.ROOT, "; service CPU %.3f ms per hand-out and return",
                (cpuSeconds(pid) - cpuBefore) * 1000 / pairs) + gcLine(pid, gcBefore, (to - from) / 1000.0) + memory(pid))
                + String.format(Locale.ROOT, "; client CPU %.3f ms per pair", (cpuSeconds(self) - clientBefore) * 1000 / pairs);
        System.out.println(r.line(address instanceof UnixDomainSocketAddress ? "unix socket" : "tcp", clients) + cpu);
        if (pid != null) {
            System.out.println("  service threads, ms per pair: " + ThreadWaits.perPair(serviceWaits, ThreadWaits.read(pid), pairs));
        }
        if (timerAfter != null) {
            System.out.println(RestServerTimes.line(r.handOut(), timerBefore, timerAfter, r.engine())
                    + "; " + load.waitedForStart.sum() + " hand-outs waited for a preload still starting");
        }
        System.out.println("  warm-up before it: " + warmUp.handOut().length + " hand-outs"); // a profile's per-pair figures count both
        // wall-clock ms, as -Xlog's timemillis decoration: which of the service's GC pauses fell in the measured part
        System.out.println("  measured from " + from + " to " + to + " ms since the epoch");
        if (load.trace != null) {
            load.trace.write(Path.of(a.get("--trace")));
            System.out.println("  " + load.trace.size() + " hand-outs traced in " + a.get("--trace"));
        }
        load.firstErrors.forEach((status, answer) -> System.out.println("  first " + status + " answer: " + answer));
    }

    /** Quarkus' hand-out timer (count, sum in s), read from the service's /q/metrics on a connection of its own. */
    private double[] handOutTimer() throws IOException {
        try (Connection c = new Connection(address)) {
            Answer a = c.exchange("GET /q/metrics HTTP/1.1\r\nHost: " + host + "\r\n" + auth + "\r\n");
            if (a.status() != 200) {
                throw new IllegalStateException("GET /q/metrics answered " + a.status() + ": " + a.body());
            }
            return RestServerTimes.handOutTimer(a.body());
        }
    }

    /**
     * Hand-out and return latencies (ns), the engine's part of each hand-out (ns, with a time scale), and the
     * answers that were not 201/204 by status.
     */
    record Result(long[] handOut, long[] giveBack, long[] engine, Map<Integer, Long> errors, double seconds) {
        String line(String transport, int clients) {
            return String.format(Locale.ROOT, "%s, %d clients, %.0f s: %d hand-outs (%.0f/s), errors by status %s; hand-out ms p50 "
                    + "%.3f p99 %.3f p99.9 %.3f; return ms p50 %.3f p99 %.3f p99.9 %.3f", transport, clients, seconds,
                    handOut.length, handOut.length / seconds, errors, pct(handOut, 50), pct(handOut, 99), pct(handOut, 99.9),
                    pct(giveBack, 50), pct(giveBack, 99), pct(giveBack, 99.9));
        }

        private static double pct(long[] sorted, double p) {
            return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)] / 1e6;
        }
    }

    /**
     * The service's resident memory now and at its peak (/proc/PID/status VmRSS, VmHWM) and its proportional share
     * (smaps_rollup Pss: ZGC maps its heap three times, which VmRSS counts thrice): in dom0, memory is the scarcest
     * resource, so a JVM option that cuts a pause must say what it costs here.
     */
    private static String memory(String pid) throws IOException {
        Map<String, Long> kib = new TreeMap<>();
        for (String file : List.of("status", "smaps_rollup")) {
            for (String line : Files.readAllLines(Path.of("/proc", pid, file))) {
                if (line.startsWith("VmRSS:") || line.startsWith("VmHWM:") || line.startsWith("Pss:")) {
                    kib.put(line.substring(0, line.indexOf(':')), Long.parseLong(line.replaceAll("\\D", "")));
                }
            }
        }
        return String.format(Locale.ROOT, "; service RSS %d MiB (peak %d MiB, PSS %d MiB)", kib.get("VmRSS") / 1024,
                kib.get("VmHWM") / 1024, kib.get("Pss") / 1024);
    }

    /**
     * The CPU time on the collector's threads, the ones that do a pause's work: "VM Thread" (the serial
     * collector's pauses run on it, with the JVM's other safepoint operations), "GC Thread#N" (parallel, G1),
     * G1's, Shenandoah's and ZGC's own. A pause's length on a loaded machine is mostly the wait for a core;
     * this is the work itself, what the pause would last on an idle core (divided among the collector's threads).
     */
    private static String gcLine(String pid, long gcBefore, double seconds) throws IOException {
        return String.format(Locale.ROOT, "; service GC threads CPU %.1f ms a second", (gcThreadsNanos(pid) - gcBefore) / 1e6 / seconds);
    }

    /** Nanoseconds on a CPU of the service's collector threads so far (/proc/PID/task/TID/schedstat's first field). */
    private static long gcThreadsNanos(String pid) throws IOException {
        long sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", pid, "task"))) {
            for (Path task : tasks) {
                try {
                    if (GC_THREAD.matcher(Files.readString(task.resolve("comm")).strip()).matches()) {
                        sum += Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
                    }
                } catch (NoSuchFileException ended) {
                    // the thread ended between the listing and the read: its time is gone with it
                }
            }
        }
        return sum;
    }

    /** User and system CPU seconds the process {@code pid} used so far (/proc/PID/stat, at 100 ticks a second). */
    private static double cpuSeconds(String pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", pid, "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    Result run(int clients, long nanos) throws Exception {
        waitedForStart.reset();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<long[][]>> parts = new ArrayList<>();
        long end = System.nanoTime() + nanos;
        for (int c = 0; c < clients; c++) {
            long phase = stagger ? c * paceNanos / clients : 0;
            parts.add(pool.submit(() -> client(end, phase)));
        }
        List<Long> handOut = new ArrayList<>();
        List<Long> giveBack = new ArrayList<>();
        List<Long> engine = new ArrayList<>();
        Map<Integer, Long> errors = new TreeMap<>();
        for (Future<long[][]> f : parts) {
            long[][] p = f.get();
            Arrays.stream(p[0]).forEach(handOut::add);
            Arrays.stream(p[1]).forEach(giveBack::add);
            Arrays.stream(p[3]).forEach(engine::add);
            for (int status = 0; status < p[2].length; status++) {
                if (p[2][status] > 0) {
                    errors.merge(status, p[2][status], Long::sum);
                }
            }
        }
        pool.shutdown();
        return new Result(sorted(handOut), sorted(giveBack), sorted(engine), errors, nanos / 1e9);
    }

    private static long[] sorted(List<Long> values) {
        long[] out = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(out);
        return out;
    }

    /** @param phase how long after the others' start this caller's pace begins (ns) */
    private long[][] client(long end, long phase) throws IOException {
        long[] handOut = new long[1 << 16];
        long[] giveBack = new long[1 << 16];
        long[] engine = new long[1 << 16];
        int n = 0;
        int m = 0;
        long[] errors = new long[600]; // by HTTP status
        try (Connection c = new Connection(address)) {
            long next = System.nanoTime() + phase;
            while (System.nanoTime() < end && n < handOut.length) {
                next += paceNanos;
                LockSupport.parkNanos(next - System.nanoTime()); // paced callers: the offered rate, not the service, sets it
                long t0 = System.nanoTime();
                Answer a = c.exchange("POST /api/v1/pools/" + template + "/dispvms HTTP/1.1\r\nHost: " + host + "\r\n" + auth
                        + "Content-Length: 0\r\n\r\n");
                long t1 = System.nanoTime();
                Matcher name = NAME.matcher(a.body());
                if (a.status() != 201 || !name.find()) {
                    errors[a.status()]++;
                    firstErrors.putIfAbsent(a.status(), "POST " + a.body());
                    continue;
                }
                engine[n] = timeScale > 0 ? RestServerTimes.engineNanos(a.body(), timeScale) : 0;
                if (RestServerTimes.waitedForStart(a.body())) {
                    waitedForStart.increment();
                }
                handOut[n++] = t1 - t0;
                RestLoadTrace kept = trace;
                if (kept != null) {
                    kept.add(t0, t1, name.group(1));
                }
                Answer r = c.exchange("DELETE /api/v1/dispvms/" + name.group(1) + " HTTP/1.1\r\nHost: " + host + "\r\n" + auth
                        + "\r\n");
                if (r.status() == 204 || r.status() == 200) {
                    giveBack[m++] = System.nanoTime() - t1;
                } else {
                    errors[r.status()]++;
                    firstErrors.putIfAbsent(r.status(), "DELETE " + r.body());
                }
            }
        }
        return new long[][] {Arrays.copyOf(handOut, n), Arrays.copyOf(giveBack, m), errors,
            timeScale > 0 ? Arrays.copyOf(engine, n) : new long[0]};
    }

    record Answer(int status, String body) {
    }

    /** One kept-alive HTTP/1.1 connection: a request out, its answer (Content-Length framed) in. */
    static final class Connection implements AutoCloseable {
        private final SocketChannel ch;
        private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);

        Connection(SocketAddress address) throws IOException {
            ch = SocketChannel.open(address instanceof UnixDomainSocketAddress ? StandardProtocolFamily.UNIX
                    : StandardProtocolFamily.INET);
            if (address instanceof InetSocketAddress) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true); // as curl and the JDK's client: no Nagle delay
            }
            ch.connect(address);
        }

        Answer exchange(String request) throws IOException {
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
            while (out.hasRemaining()) {
                ch.write(out);
            }
            in.clear();
            int headEnd;
            while ((headEnd = indexOf(in, "\r\n\r\n")) < 0) {
                read();
            }
            String head = new String(in.array(), 0, headEnd, StandardCharsets.US_ASCII);
            int length = contentLength(head);
            while (in.position() < headEnd + 4 + length) {
                read();
            }
            String body = new String(in.array(), headEnd + 4, length, StandardCharsets.UTF_8);
            return new Answer(Integer.parseInt(head.substring(9, 12)), body);
        }

        private void read() throws IOException {
            if (ch.read(in) < 0) {
                throw new IOException("the service closed the connection");
            }
        }

        private static int contentLength(String head) {
            for (String line : head.split("\r\n")) {
                if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                    return Integer.parseInt(line.substring(15).trim());
                }
            }
            return 0;
        }

        private static int indexOf(ByteBuffer buf, String s) {
            byte[] a = buf.array();
            outer:
            for (int i = 0; i + s.length() <= buf.position(); i++) {
                for (int j = 0; j < s.length(); j++) {
                    if (a[i + j] != s.charAt(j)) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    /** {@code --name value} pairs. */
    private record Args(String[] args) {
        String get(String name) {
            for (int i = 0; i + 1 < args.length; i++) {
                if (args[i].equals(name)) {
                    return args[i + 1];
                }
            }
            return null;
        }

        String getOr(String name, String fallback) {
            String v = get(name);
            return v == null ? fallback : v;
        }
    }
}
