package dispool.bench;

import dispool.pool.PoolView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pool's decision at the start of each burst of a traffic run, per template: what the policy
 * wanted, what the pool held, how many were ready and starting, the start-capacity estimate it
 * planned with and the reason code, read just before the burst's first request is sent; after
 * the run, how many of the burst's requests found a ready preload. A burst is a run of at least
 * {@link #MIN_SIZE} requests each at most {@link #MAX_GAP_MS} after the one before (Qubes'
 * bursts arrive at once; the day-like trace's 2 s apart).
 */
public final class BurstLog {

    /** Requests a burst has at least. */
    static final int MIN_SIZE = 3;
    /** Host ms from one request of a burst to the next, at most. */
    static final long MAX_GAP_MS = 2_000;

    static final String HEADER = "scenario,policy,burst,at_ms,template,want,held,ready,starting,starts_at_once,reason,"
            + "requests,served_ready,decision";

    /**
     * One burst's row.
     *
     * @param burst        1-based number of the burst in its run
     * @param atMs         host ms from the scenario's start to the burst's first request
     * @param want         free preloads the policy wanted at its last reconcile (-1: not decided yet)
     * @param held         free preloads, ready or starting
     * @param startsAtOnce the adaptive policy's start-capacity estimate (0: the policy has none)
     * @param reason       the adaptive policy's reason code, or the policy's name when it has none
     * @param requests     requests of the burst for the template
     * @param servedReady  of those, how many were handed a ready preload
     * @param decision     the policy's last decision in words (empty when none)
     */
    public record Row(String scenario, String policy, int burst, long atMs, String template, int want, int held,
            int ready, int starting, int startsAtOnce, String reason, int requests, int servedReady, String decision) {

        String csv() {
            return String.join(",", scenario, policy, Integer.toString(burst), Long.toString(atMs), template,
                    Integer.toString(want), Integer.toString(held), Integer.toString(ready), Integer.toString(starting),
                    Integer.toString(startsAtOnce), reason, Integer.toString(requests), Integer.toString(servedReady),
                    quoted(decision));
        }

        /** RFC 4180: the words have commas, so they are quoted, their quotes doubled. */
        private static String quoted(String s) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
    }

    private BurstLog() {
    }

    /** Index of each burst's first request in {@code arrivals} (sorted by time). */
    public static List<Integer> starts(List<Traffic.Arrival> arrivals) {
        List<Integer> starts = new ArrayList<>();
        int first = 0;
        for (int i = 1; i <= arrivals.size(); i++) {
            if (i == arrivals.size() || arrivals.get(i).atMs() - arrivals.get(i - 1).atMs() > MAX_GAP_MS) {
                if (i - first >= MIN_SIZE) {
                    starts.add(first);
                }
                first = i;
            }
        }
        return starts;
    }

    /** The rows of one burst before its first request: one per template, from the pools as the engine shows them now. */
    static List<Row> before(Traffic traffic, String policy, int burst, long atMs, EngineTarget target) {
        List<Row> rows = new ArrayList<>();
        for (String t : traffic.maxes().keySet().stream().sorted().toList()) {
            PoolView p = target.view(t);
            rows.add(new Row(traffic.name(), policy, burst, atMs, t, p.want(), p.ready() + p.starting(), p.ready(),
                    p.starting(), p.startsAtOnce(), p.reasonCode() != null ? p.reasonCode() : p.policy(), 0, 0,
                    p.decision() == null ? "" : p.decision()));
        }
        return rows;
    }

    /** The rows with each burst's requests and ready hand-outs counted from the run's samples (in request order). */
    static List<Row> served(Traffic traffic, List<Row> rows, List<Sample> samples) {
        List<Integer> starts = starts(traffic.arrivals());
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            int from = starts.get(r.burst() - 1);
            int to = r.burst() < starts.size() ? starts.get(r.burst()) : traffic.arrivals().size();
            int requests = 0;
            int ready = 0;
            for (int i = from; i < to && isInBurst(traffic.arrivals(), from, i); i++) {
                if (traffic.arrivals().get(i).template().equals(r.template())) {
                    requests++;
                    ready += samples.get(i).path().equals(Sample.READY) ? 1 : 0;
                }
            }
            out.add(new Row(r.scenario(), r.policy(), r.burst(), r.atMs(), r.template(), r.want(), r.held(), r.ready(),
                    r.starting(), r.startsAtOnce(), r.reason(), requests, ready, r.decision()));
        }
        return out;
    }

    /** Whether request {@code i} still belongs to the burst begun at {@code from} (no gap over the limit since). */
    private static boolean isInBurst(List<Traffic.Arrival> arrivals, int from, int i) {
        return i == from || arrivals.get(i).atMs() - arrivals.get(i - 1).atMs() <= MAX_GAP_MS;
    }

    /** Writes {@code bursts.csv} into {@code dir}. */
    public static Path writeCsv(List<Row> rows, Path dir) {
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        rows.forEach(r -> lines.add(r.csv()));
        try {
            return Files.write(dir.resolve("bursts.csv"), lines);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write bursts.csv into " + dir + ": " + e.getMessage(), e);
        }
    }

    /** "bursts/adaptive #3 default-dvm": a row's label in the chart. */
    static String label(Row r, boolean templates) {
        return String.format(Locale.ROOT, "%s/%s #%d%s", r.scenario(), r.policy(), r.burst(),
                templates ? " " + r.template() : "");
    }
}
