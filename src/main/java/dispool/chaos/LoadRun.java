package dispool.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load against a running service: {@code inFlight} callers, each handing out a disposable of one
 * of the templates (in turn) and removing it again, for {@code duration}. Measures the hand-out
 * latency as the caller sees it (percentiles of the 201 answers), answers by HTTP status (a 429 or
 * 507 is a documented refusal: the caller waits a tenth of a second, then asks again), and, given the
 * service's pid, its resident memory and thread count every {@code sampleEvery} (from
 * {@code /proc/<pid>/status}).
 */
public final class LoadRun {

    private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern PRELOADED = Pattern.compile("\"preloaded\"\\s*:\\s*true");

    private final URI base;
    private final List<String> templates;
    private final int inFlight;
    private final Duration duration;
    private final Optional<Long> pid;
    private final Duration sampleEvery;
    private final Optional<String> token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Double> handOutMillis = Collections.synchronizedList(new ArrayList<>());
    private final List<Double> preloadedMillis = Collections.synchronizedList(new ArrayList<>());
    private final List<Double> coldMillis = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
    private final List<String> samples = Collections.synchronizedList(new ArrayList<>());

    public LoadRun(URI base, List<String> templates, int inFlight, Duration duration, Optional<Long> pid,
            Duration sampleEvery, Optional<Path> tokenFile) throws IOException {
        this.base = base;
        this.templates = templates;
        this.inFlight = inFlight;
        this.duration = duration;
        this.pid = pid;
        this.sampleEvery = sampleEvery;
        this.token = tokenFile.filter(Files::isReadable).map(LoadRun::read);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the API token " + p, e);
        }
    }

    public void run(PrintStream out) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService callers = Executors.newFixedThreadPool(inFlight);
        for (int i = 0; i < inFlight; i++) {
            int first = i;
            callers.execute(() -> caller(first, end));
        }
        callers.shutdown();
        long start = System.nanoTime();
        while (!callers.awaitTermination(sampleEvery.toMillis(), TimeUnit.MILLISECONDS)) {
            sample((System.nanoTime() - start) / 1_000_000_000L).ifPresent(s -> {
                samples.add(s);
                out.println("  " + s);
            });
        }
        report(out);
    }

    private void caller(int index, long end) {
        for (int i = index; System.nanoTime() < end; i++) {
            String template = templates.get(i % templates.size());
            long t0 = System.nanoTime();
            HttpResponse<String> r = send("POST", "/api/v1/pools/" + template + "/dispvms");
            String code = r == null ? "io-error" : Integer.toString(r.statusCode());
            answers.computeIfAbsent("POST " + code, k -> new AtomicLong()).incrementAndGet();
            Matcher m = r == null || r.statusCode() != 201 ? null : NAME.matcher(r.body());
            if (m != null && m.find()) {
                double ms = (System.nanoTime() - t0) / 1e6;
                handOutMillis.add(ms);
                (PRELOADED.matcher(r.body()).find() ? preloadedMillis : coldMillis).add(ms);
                HttpResponse<String> d = send("DELETE", "/api/v1/dispvms/" + m.group(1));
                answers.computeIfAbsent("DELETE " + (d == null ? "io-error" : d.statusCode()), k -> new AtomicLong())
                        .incrementAndGet();
            } else {
                pause(); // a refusal or an error: ask again a little later, as a polite client does
            }
        }
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpResponse<String> send(String method, String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(2))
                .method(method, HttpRequest.BodyPublishers.noBody());
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** {@code t=30s rss=212 MiB threads=87} from /proc/<pid>/status; empty without a pid. */
    private Optional<String> sample(long seconds) {
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        try {
            Map<String, String> status = new TreeMap<>();
            for (String line : Files.readAllLines(Path.of("/proc", pid.get().toString(), "status"))) {
                String[] kv = line.split(":\\s*", 2);
                if (kv.length == 2) {
                    status.put(kv[0], kv[1].trim());
                }
            }
            long rssKiB = Long.parseLong(status.getOrDefault("VmRSS", "0 kB").split("\\s+")[0]);
            return Optional.of(String.format("t=%ds rss=%d MiB threads=%s hand-outs=%d", seconds, rssKiB / 1024,
                    status.get("Threads"), handOutMillis.size()));
        } catch (IOException e) {
            return Optional.of("t=" + seconds + "s service process " + pid.get() + " not readable: " + e.getMessage());
        }
    }

    private void report(PrintStream out) {
        out.printf("load: %d in flight across %d templates for %d s against %s%n", inFlight, templates.size(),
                duration.toSeconds(), base);
        percentiles(out, "hand-outs", handOutMillis);
        percentiles(out, "  preloaded", preloadedMillis);
        percentiles(out, "  cold", coldMillis);
        out.println("  answers by code " + new TreeMap<>(answers));
    }

    private void percentiles(PrintStream out, String what, List<Double> millis) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        out.printf("  %-11s %6d (%.1f/s): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n", what, sorted.size(),
                sorted.size() / (double) duration.toSeconds(), pct(sorted, 50), pct(sorted, 90), pct(sorted, 99),
                sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1));
    }

    private static double pct(List<Double> sorted, int p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
