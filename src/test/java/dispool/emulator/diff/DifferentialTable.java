package dispool.emulator.diff;

import java.util.LinkedHashMap;
import java.util.Map;

/** The differential table in Markdown: workload × (reference, dispool) × what a user saw. */
final class DifferentialTable {

    /** One workload's outcomes on both sides. */
    record Row(Workload workload, Outcome reference, Outcome dispool) {
    }

    private final Map<String, Row> rows = new LinkedHashMap<>();

    void add(Row row) {
        rows.put(row.workload().name(), row);
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| workload | side | from pool | cold (which requests) | max held | mean held at request | outdated handed out | discarded (why) |\n");
        out.append("| --- | --- | ---: | --- | ---: | ---: | ---: | --- |\n");
        for (Row r : rows.values()) {
            line(out, r.workload().name(), "reference", r.reference());
            line(out, "", "dispool", r.dispool());
        }
        return out.toString();
    }

    /** {@code (#1, #2, #7)}; long lists end with the count of the rest. */
    private static String shortList(java.util.List<Integer> numbers) {
        String shown = String.join(", ", numbers.stream().limit(8).map(n -> "#" + n).toList());
        return "(" + shown + (numbers.size() > 8 ? ", +" + (numbers.size() - 8) : "") + ")";
    }

    private static void line(StringBuilder out, String workload, String side, Outcome o) {
        out.append("| ").append(workload).append(" | ").append(side).append(" | ").append(o.served()).append(" | ")
                .append(o.cold()).append(o.coldRequests().isEmpty() ? "" : " " + shortList(o.coldRequests())).append(" | ").append(o.maxHeld()).append(" | ")
                .append(String.format("%.1f", o.meanHeldAtRequests())).append(" | ").append(o.outdatedHandOuts()).append(" | ")
                .append(o.discards().size());
        if (!o.discards().isEmpty()) {
            out.append(" (");
            StringBuilder why = new StringBuilder();
            o.discardReasons().forEach((reason, n) -> why.append(why.length() == 0 ? "" : "; ").append(reason).append(" ×").append(n));
            out.append(why.toString().replace("|", "/")).append(')');
        }
        out.append(" |\n");
    }
}
