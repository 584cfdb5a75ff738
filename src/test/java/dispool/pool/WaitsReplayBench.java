package dispool.pool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dispool.bench.Traffic;
import dispool.bench.TrafficScenarios;
import dispool.host.Backoff;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Whether the requests that found no ready preload under {@code adaptive} in a {@code bench traffic
 * --seeds} run met a want below the fixed pool's max: the scenario's requests of each seed replayed
 * on the policy alone (no host, no load), and for each such request the lowest want over the
 * minute before it, beside {@code qubes}' max. A tool, not a check (it prints; tagged
 * {@code bench}): {@code mvn -B -o test -Dbench.excluded=none -Dtest=WaitsReplayBench
 * -Dreplay.traffic=DIR/traffic.json[.gz] -Dreplay.scenario=ramp}.
 */
@Tag("bench")
class WaitsReplayBench {

    private static final long MS = 1_000_000L;

    @Test
    void replay() throws IOException {
        Path file = Path.of(System.getProperty("replay.traffic"));
        String scenario = System.getProperty("replay.scenario", "ramp");
        JsonNode runs;
        try (InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(file))
                : Files.newInputStream(file)) {
            runs = new ObjectMapper().readTree(in);
        }
        int below = 0;
        int all = 0;
        for (JsonNode run : runs) {
            JsonNode r = run.get("result");
            if (!r.get("traffic").get("name").asText().equals(scenario) || !r.get("policy").asText().equals("adaptive")) {
                continue;
            }
            long seed = run.get("seed").asLong();
            Traffic t = TrafficScenarios.standard(seed).stream().filter(c -> c.traffic().name().equals(scenario)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no scenario " + scenario)).traffic();
            String template = t.maxes().keySet().stream().sorted().findFirst().orElseThrow();
            int fixed = t.maxesFor("qubes").get(template);
            for (JsonNode m : r.get("samples")) {
                if (!m.get("path").asText().equals("ready")) {
                    int lowest = lowestWantBefore(t, template, t.maxesFor("adaptive").get(template), (long) m.get("startMs").asDouble());
                    all++;
                    below += lowest < fixed ? 1 : 0;
                    System.out.printf(Locale.ROOT, "seed %d, request at %.1f s %s %.0f ms: lowest want in the minute before %d"
                            + " (qubes holds %d)%n", seed, m.get("startMs").asDouble() / 1000, m.get("path").asText(),
                            m.get("usableAfterMs").asDouble(), lowest, fixed);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d requests not ready under adaptive, %d of them after a want below qubes' max%n",
                scenario, all, below);
    }

    /** The policy alone on the scenario's requests up to {@code atMs}: its lowest want, each host second of the minute before. */
    private static int lowestWantBefore(Traffic t, String template, int max, long atMs) {
        AdaptiveRefillPolicy policy = new AdaptiveRefillPolicy(AdaptiveRefillPolicy.Parameters.DEFAULTS, new RefillTimes(),
                () -> OptionalLong.of(100_000L << 20), new StartCapacity(() -> 0));
        Pool pool = new Pool(template, Backoff.DEFAULT, new PoolSettings(true, max, PoolSettings.MaxSource.LOCAL, null, 0, 3, 400,
                Duration.ofSeconds(60), false, Fingerprint.UNKNOWN));
        List<Traffic.Arrival> arrivals = t.arrivals().stream().filter(a -> a.template().equals(template)).toList();
        int lowest = Integer.MAX_VALUE;
        int next = 0;
        for (long s = Math.max(0, atMs - 60_000); s < atMs; s += 1000) {
            for (; next < arrivals.size() && arrivals.get(next).atMs() < s; next++) {
                policy.observe(pool, arrivals.get(next).atMs() * MS);
            }
            lowest = Math.min(lowest, policy.want(pool, s * MS));
        }
        return lowest;
    }
}
