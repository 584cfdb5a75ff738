package dispool.cli.top;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * Draws {@link TopModel}'s rows as the lines of a screen of a given size: a header, three lines per
 * DVM template (the selected one marked), the keys, a status line, and the newest events below.
 * Pure: the same model and size give the same lines, so it is tested without a terminal. Colour
 * only adds to what the characters already say (a bar's ready, starting and handed-out cells are
 * different characters), so {@code NO_COLOR} loses nothing.
 */
public final class TopScreen {

    static final char READY = '█';
    static final char STARTING = '▒';
    static final char HANDED_OUT = '░';
    private static final String SPARKS = "▁▂▃▄▅▆▇█";
    private static final int LINES_PER_POOL = 4;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    /**
     * What the screen shows besides the pools.
     *
     * @param where   the service's address, as the client names it
     * @param status  a prompt, the API's last error, or what a key did; null for none
     * @param eventWallMs the wall-clock time each footer event arrived, newest first (same order as the model's)
     */
    public record Frame(String where, String status, List<Long> eventWallMs) {
    }

    private final boolean colour;

    public TopScreen(boolean colour) {
        this.colour = colour;
    }

    /**
     * The screen as plain lines, for a snapshot without a terminal: trailing blanks and empty last
     * lines cut. (Here, not in {@code TopCommand}: picocli reads every method of a command class,
     * and one that names a JLine type would need JLine on the class path of every command.)
     */
    public List<String> plain(TopModel model, Frame frame, int width, int height) {
        List<String> lines = draw(model, 0, frame, width, height).stream().map(l -> l.toString().stripTrailing()).toList();
        int last = lines.size();
        while (last > 0 && lines.get(last - 1).isEmpty()) {
            last--;
        }
        return lines.subList(0, last);
    }

    /** The screen's lines, at most {@code height}, each at most {@code width} columns. */
    public List<AttributedString> draw(TopModel model, long nowHostMs, Frame frame, int width, int height) {
        List<TopModel.Row> rows = model.rows(nowHostMs);
        List<AttributedString> out = new ArrayList<>();
        out.add(line(width, b -> b.style(bold()).append("dispool top").style(AttributedStyle.DEFAULT)
                .append(" · ").append(frame.where()).append(" · ").append(rows.size() + " DVM templates")
                .append(" · sort: ").append(model.sort().label)));
        out.add(line(width, b -> b.style(faint()).append("keys: ↑↓/j/k select  s sort  +/- preload-dispvm-max  "
                + "d drain  r refill  q quit  (" + READY + " ready " + STARTING + " starting " + HANDED_OUT
                + " handed out, not yet refilled)")));
        int footer = Math.max(2, height - 2 - LINES_PER_POOL * Math.max(1, rows.size()) - 1); // the rest: events
        int poolLines = Math.max(LINES_PER_POOL, height - out.size() - 1 - footer);
        out.addAll(pools(rows, model.selected(), width, poolLines));
        out.add(line(width, b -> b.style(frame.status() == null ? faint() : bold())
                .append(frame.status() == null ? "" : frame.status())));
        out.addAll(events(model.recentEvents(), frame.eventWallMs(), width, Math.max(0, height - out.size())));
        return out.size() > height ? out.subList(0, height) : out;
    }

    /** The pools that fit, scrolled so the selected one is shown. */
    private List<AttributedString> pools(List<TopModel.Row> rows, String selected, int width, int lines) {
        List<AttributedString> out = new ArrayList<>();
        if (rows.isEmpty()) {
            out.add(new AttributedString("no DVM template has a pool: set one with + or "
                    + "qvm-features TEMPLATE preload-dispvm-max N"));
        }
        int fit = Math.max(1, lines / LINES_PER_POOL);
        int at = 0;
        for (int i = 0; i < rows.size(); i++) {
            at = rows.get(i).template().equals(selected) ? i : at;
        }
        int first = Math.max(0, Math.min(at - fit + 1, rows.size() - fit));
        first = Math.max(0, Math.min(first, at));
        for (int i = first; i < Math.min(rows.size(), first + fit); i++) {
            out.addAll(pool(rows.get(i), rows.get(i).template().equals(selected), width));
        }
        while (out.size() < lines) {
            out.add(AttributedString.EMPTY);
        }
        return out;
    }

    private List<AttributedString> pool(TopModel.Row r, boolean selected, int width) {
        List<AttributedString> out = new ArrayList<>();
        out.add(line(width, b -> {
            b.style(selected ? bold().inverse() : bold()).append(selected ? "▶ " : "  ").append(pad(r.template(), 16))
                    .style(AttributedStyle.DEFAULT);
            b.append(String.format(Locale.ROOT, " max %d (%s)", r.max(), source(r.maxSource())));
            b.append("  advised ").style(r.advisedMax() != null && r.advisedMax() != r.max() ? warn() : AttributedStyle.DEFAULT)
                    .append(r.advisedMax() == null ? "-" : Integer.toString(r.advisedMax())).style(AttributedStyle.DEFAULT);
            b.append("  ").append(r.policy()).append(r.decision() == null ? "" : ": " + r.decision());
        }));
        out.add(line(width, b -> {
            b.append("    ");
            bar(b, r, 20);
            b.append(String.format(Locale.ROOT, " %d ready %d starting %d handed out", r.ready(), r.starting(),
                    r.handedOut()));
        }));
        out.add(line(width, b -> b.append("    memory ").append(memory(r))));
        out.add(line(width, b -> {
            b.append("    ");
            if (r.problem() != null) {
                b.style(warn()).append(r.problem());
                return;
            }
            int[] s = r.served();
            b.append(String.format(Locale.ROOT, "hand-outs 1 min %d, 1 h %d", r.lastMinute(), r.lastHour()));
            if (r.lastHour() > 0) {
                b.append(String.format(Locale.ROOT, ": %s ready %s waited %s cold", percent(s[0], r.lastHour()),
                        percent(s[1], r.lastHour()), percent(s[2], r.lastHour())));
            }
            b.append("  request→usable ");
            sparkline(b, r.usableMs(), 16);
        }));
        return out;
    }

    /** Ready, starting and handed-out cells against the max, one cell per preload up to {@code cells}. */
    private void bar(AttributedStringBuilder b, TopModel.Row r, int cells) {
        int max = Math.max(r.max(), r.ready() + r.starting());
        int width = Math.min(cells, Math.max(max, 1));
        double per = max == 0 ? 0 : (double) width / max;
        int ready = (int) Math.round(r.ready() * per);
        int starting = Math.min(width - ready, (int) Math.round(r.starting() * per));
        int out = Math.min(width - ready - starting, (int) Math.round(r.handedOut() * per));
        b.append('[');
        b.style(colour(AttributedStyle.GREEN)).append(repeat(READY, ready));
        b.style(colour(AttributedStyle.YELLOW)).append(repeat(STARTING, starting));
        b.style(colour(AttributedStyle.RED)).append(repeat(HANDED_OUT, out));
        b.style(AttributedStyle.DEFAULT).append(repeat(' ', width - ready - starting - out)).append(']');
    }

    private static String memory(TopModel.Row r) {
        String held = r.heldMiB() + " MiB held by preloads";
        return held + (r.availableMiB() == null ? ", available unknown" : ", " + r.availableMiB() + " MiB available")
                + ", threshold " + r.thresholdMiB() + " MiB";
    }

    /** The newest request → usable times as a sparkline scaled to their own range, then the newest in ms. */
    void sparkline(AttributedStringBuilder b, List<Double> values, int cells) {
        if (values.isEmpty()) {
            b.style(faint()).append("no hand-out yet").style(AttributedStyle.DEFAULT);
            return;
        }
        List<Double> v = values.subList(Math.max(0, values.size() - cells), values.size());
        b.append(spark(v));
        b.append(String.format(Locale.ROOT, " %.0f ms", v.get(v.size() - 1)));
    }

    static String spark(List<Double> v) {
        double lo = v.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double hi = v.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        StringBuilder s = new StringBuilder();
        for (double x : v) {
            int i = hi == lo ? 0 : (int) Math.round((x - lo) / (hi - lo) * (SPARKS.length() - 1));
            s.append(SPARKS.charAt(i));
        }
        return s.toString();
    }

    private List<AttributedString> events(List<TopModel.Event> events, List<Long> wall, int width, int lines) {
        List<AttributedString> out = new ArrayList<>();
        for (int i = 0; i < Math.min(lines, events.size()); i++) {
            TopModel.Event e = events.get(i);
            String when = i < wall.size() ? CLOCK.format(Instant.ofEpochMilli(wall.get(i))) : "";
            out.add(line(width, b -> b.style(faint()).append(when).style(AttributedStyle.DEFAULT).append(' ')
                    .append(e.type()).append(' ').append(e.template() == null ? "" : e.template())
                    .append(e.qube() == null ? "" : " " + e.qube()).append(e.reason().isEmpty() ? "" : ": " + e.reason())));
        }
        return out;
    }

    private static String source(String maxSource) {
        return switch (maxSource) {
            case "LOCAL" -> "template";
            case "GLOBAL" -> "dom0";
            default -> "unset";
        };
    }

    private static String percent(int n, int of) {
        return Math.round(100.0 * n / of) + "%";
    }

    private static String pad(String s, int n) {
        return s.length() >= n ? s : s + " ".repeat(n - s.length());
    }

    private static String repeat(char c, int n) {
        return String.valueOf(c).repeat(Math.max(0, n));
    }

    private static AttributedString line(int width, java.util.function.Consumer<AttributedStringBuilder> draw) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        draw.accept(b);
        AttributedString s = b.toAttributedString();
        return s.columnLength() > width ? s.columnSubSequence(0, width) : s;
    }

    private AttributedStyle colour(int c) {
        return colour ? AttributedStyle.DEFAULT.foreground(c) : AttributedStyle.DEFAULT;
    }

    private AttributedStyle bold() {
        return AttributedStyle.BOLD;
    }

    private AttributedStyle faint() {
        return colour ? AttributedStyle.DEFAULT.faint() : AttributedStyle.DEFAULT;
    }

    private AttributedStyle warn() {
        return colour ? AttributedStyle.BOLD.foreground(AttributedStyle.RED) : AttributedStyle.BOLD;
    }
}
