package dispool.cli.top;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code dispool top} shows, computed from the service's answers alone (no terminal): the
 * pools of the last {@code GET /api/v1/pools}, the advised max of each pool's advice, and the
 * hand-outs and other events read from {@code GET /api/v1/events} since top started. Times of
 * hand-outs are the events' host times; "now" is given by the caller in the same clock, so the
 * last-minute and last-hour figures age as the host's time runs (faster on a sped-up simulator).
 */
public final class TopModel {

    /** Hand-outs kept per template: an hour of them at most, and the newest few for the sparkline. */
    static final long HOUR_MS = 3_600_000;
    static final long MINUTE_MS = 60_000;
    /** Events kept for the footer. */
    public static final int RECENT_EVENTS = 20;

    /** How a hand-out was served, as the live advice counts it. */
    public enum Served { READY, WAITED, COLD }

    /** One hand-out seen on the event stream. */
    public record HandOut(long atMs, Served served, double usableMs) {
    }

    /** One event for the footer: what, which template and qube, why. */
    public record Event(long atMs, String type, String template, String qube, String reason) {
    }

    /** The orders the pools can be listed in; {@code s} cycles through them. */
    public enum Sort {
        NAME("name"), HAND_OUTS("hand-outs in the last hour"), MEMORY("memory held");

        public final String label;

        Sort(String label) {
            this.label = label;
        }

        Sort next() {
            return values()[(ordinal() + 1) % values().length];
        }
    }

    /**
     * One pool's line, everything the screen draws.
     *
     * @param maxSource   where the max comes from: {@code LOCAL} (the template's preload-dispvm-max),
     *                    {@code GLOBAL} (dom0's), {@code UNSET}
     * @param handedOut   slots of the max handed out and not yet refilled (max − ready − starting, at least 0)
     * @param heldMiB     memory the preloads hold (ready and starting, each the template's memory)
     * @param availableMiB the host's available memory at the last admission, null when unknown
     * @param advisedMax  the live advice's max, null before any hand-out was recorded
     * @param lastMinute  hand-outs in the last minute of host time; {@code lastHour} likewise
     * @param served      of the last hour's hand-outs: ready, after a wait, cold
     * @param usableMs    request → usable of the newest hand-outs, oldest first
     */
    public record Row(String template, int max, String maxSource, String policy, String decision, int ready,
            int starting, int handedOut, long memoryMiB, long heldMiB, Long availableMiB, long thresholdMiB,
            Integer advisedMax, int lastMinute, int lastHour, int[] served, List<Double> usableMs, String problem) {
    }

    private final Map<String, JsonNode> pools = new LinkedHashMap<>();
    private final Map<String, Integer> advised = new HashMap<>();
    private final Map<String, Deque<HandOut>> handOuts = new HashMap<>();
    /** Preloads seen starting and not yet ready: a hand-out of one waited for it. */
    private final Set<String> starting = new HashSet<>();
    private final Deque<Event> recent = new ArrayDeque<>();
    private Sort sort = Sort.NAME;
    private String selected;
    private long latestEventMs = Long.MIN_VALUE;

    /** The answer of {@code GET /api/v1/pools}: replaces every pool's figures. */
    public void pools(JsonNode array) {
        pools.clear();
        for (JsonNode p : array) {
            String t = p.path("template").asText();
            pools.put(t, p);
            for (JsonNode pre : p.path("preloads")) {
                if (isStarting(pre.path("state").asText())) {
                    starting.add(pre.path("name").asText());
                }
            }
        }
        if (selected == null || !pools.containsKey(selected)) {
            List<Row> rows = rows(0);
            selected = rows.isEmpty() ? null : rows.get(0).template();
        }
    }

    /** The advice's recommended max for {@code template} (null: none yet). */
    public void advised(String template, Integer max) {
        advised.put(template, max);
    }

    /** One event of the stream (its JSON object). */
    public void event(JsonNode e) {
        String type = e.path("type").asText();
        String template = e.path("template").isTextual() ? e.get("template").asText() : null;
        String qube = e.path("qube").isTextual() ? e.get("qube").asText() : null;
        long at = e.path("atMillis").asLong();
        latestEventMs = Math.max(latestEventMs, at);
        recent.addFirst(new Event(at, type, template, qube, e.path("reason").asText("")));
        while (recent.size() > RECENT_EVENTS) {
            recent.removeLast();
        }
        if (qube == null || template == null) {
            return;
        }
        switch (type) {
            case "PRELOAD_STARTED" -> starting.add(qube);
            case "HANDED_OUT" -> handedOut(template, qube, at, e.path("data"));
            default -> starting.remove(qube);
        }
    }

    private void handedOut(String template, String qube, long at, JsonNode data) {
        boolean preloaded = data.path("preloaded").asBoolean(false);
        Served s = !preloaded ? Served.COLD : starting.remove(qube) ? Served.WAITED : Served.READY;
        Deque<HandOut> d = handOuts.computeIfAbsent(template, t -> new ArrayDeque<>());
        d.addLast(new HandOut(at, s, data.path("usableAfterMs").asDouble(0)));
        while (!d.isEmpty() && d.peekFirst().atMs() < at - HOUR_MS) {
            d.removeFirst();
        }
    }

    /** The host time of the newest event, {@link Long#MIN_VALUE} before any. */
    public long latestEventMs() {
        return latestEventMs;
    }

    /** The pools as rows at host time {@code nowMs}, in the chosen order. */
    public List<Row> rows(long nowMs) {
        List<Row> rows = new ArrayList<>();
        pools.forEach((t, p) -> rows.add(row(t, p, nowMs)));
        Comparator<Row> byName = Comparator.comparing(Row::template);
        rows.sort(switch (sort) {
            case NAME -> byName;
            case HAND_OUTS -> Comparator.comparingInt(Row::lastHour).reversed().thenComparing(byName);
            case MEMORY -> Comparator.comparingLong(Row::heldMiB).reversed().thenComparing(byName);
        });
        return rows;
    }

    private Row row(String t, JsonNode p, long nowMs) {
        int max = p.path("max").asInt();
        int ready = p.path("ready").asInt();
        int start = p.path("starting").asInt();
        long mem = p.path("memoryMiB").asLong();
        JsonNode adm = p.path("admission");
        Long avail = adm.path("availableMiB").isNumber() ? adm.get("availableMiB").asLong() : null;
        int[] served = new int[Served.values().length];
        int minute = 0;
        int hour = 0;
        List<Double> usable = new ArrayList<>();
        for (HandOut h : handOuts.getOrDefault(t, new ArrayDeque<>())) {
            usable.add(h.usableMs());
            if (h.atMs() > nowMs - HOUR_MS) {
                hour++;
                served[h.served().ordinal()]++;
                minute += h.atMs() > nowMs - MINUTE_MS ? 1 : 0;
            }
        }
        return new Row(t, max, p.path("maxSource").asText("UNSET"), p.path("policy").asText(""), text(p, "decision"),
                ready, start, Math.max(0, max - ready - start), mem, (ready + start) * mem, avail,
                p.path("thresholdMiB").asLong(), advised.get(t), minute, hour, served, usable, problem(p));
    }

    /** What is wrong with the pool, if anything: a knob warning, or the last failure with its backoff. */
    private static String problem(JsonNode p) {
        String warning = text(p, "warning");
        if (warning != null) {
            return warning;
        }
        String failure = text(p, "lastFailure");
        if (failure == null || p.path("failures").asInt() == 0) {
            return null;
        }
        return p.path("failures").asInt() + " failures, retry in " + p.path("retryInMs").asLong() / 1000 + " s: " + failure;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static boolean isStarting(String state) {
        return state.equals("CREATING") || state.equals("STARTING") || state.equals("WAITING_OPERATIONAL")
                || state.equals("PAUSING");
    }

    /** Newest first. */
    public List<Event> recentEvents() {
        return List.copyOf(recent);
    }

    public Sort sort() {
        return sort;
    }

    public void nextSort() {
        sort = sort.next();
    }

    /** The selected pool's template, null when there is none. */
    public String selected() {
        return selected;
    }

    /** Moves the selection {@code by} rows in the current order (negative: up), staying in the list. */
    public void move(int by) {
        List<Row> rows = rows(0);
        if (rows.isEmpty()) {
            return;
        }
        int at = 0;
        for (int i = 0; i < rows.size(); i++) {
            at = rows.get(i).template().equals(selected) ? i : at;
        }
        selected = rows.get(Math.max(0, Math.min(rows.size() - 1, at + by))).template();
    }

    /** The selected pool's max now, or -1 with none selected. */
    public int selectedMax() {
        JsonNode p = selected == null ? null : pools.get(selected);
        return p == null ? -1 : p.path("max").asInt();
    }
}
