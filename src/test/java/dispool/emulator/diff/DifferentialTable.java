package dispool.emulator.diff;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The differential's tables in Markdown: the grid (workload × DVM template × seed, requests served
 * from the pool by the reference, dispool managed and dispool native) and the detail of one run.
 */
final class DifferentialTable {

    /** One workload's outcomes on every side, on one DVM template and seed. */
    record Row(Workload workload, DvmProfile profile, long seed, Outcome reference, Outcome managed, Outcome nativeMode) {
    }

    private final List<Row> rows = Collections.synchronizedList(new ArrayList<>());

    void add(Row row) {
        rows.add(row);
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Rows per workload, then DVM template, columns per seed: {@code reference / managed / native of requests}. */
    String grid() {
        List<Row> all = rows();
        TreeSet<Long> seeds = new TreeSet<>();
        all.forEach(r -> seeds.add(r.seed()));
        Map<String, Map<Long, Row>> byLine = new LinkedHashMap<>();
        all.forEach(r -> byLine.computeIfAbsent(r.workload().name() + " | " + r.profile().name(), k -> new LinkedHashMap<>())
                .put(r.seed(), r));
        StringBuilder out = header("| workload | DVM template |", "| --- | --- |", seeds.stream().map(s -> "seed " + s).toList(),
                "---", "differences");
        byLine.forEach((line, bySeed) -> {
            out.append("| ").append(line).append(" |");
            seeds.forEach(s -> out.append(' ').append(bySeed.containsKey(s) ? cell(bySeed.get(s)) : "").append(" |"));
            out.append(' ').append(differences(bySeed.values().iterator().next().workload())).append(" |\n");
        });
        return out.toString();
    }

    /**
     * {@code 7 / 7 / 7 of 10}, bold where a dispool side differs from what it is compared with;
     * {@code 7 (+3)}: the reference lost 3 requests to a restart of qubesd that managed mode is
     * expected to serve ({@link Differences#expectedServed}).
     */
    private static String cell(Row r) {
        Outcome ref = r.reference();
        int managedExpected = Differences.expectedServed(r.workload(), Differences.Mode.MANAGED, ref, ref);
        String lost = managedExpected == ref.served() ? "" : " (+" + (managedExpected - ref.served()) + ")";
        return ref.served() + lost + " / " + bold(r.managed().served(), managedExpected) + " / "
                + bold(r.nativeMode().served(), ref.served()) + " of " + ref.requests();
    }

    private static String bold(int served, int comparedWith) {
        return served == comparedWith ? Integer.toString(served) : "**" + served + "**";
    }

    /** The named differences of a workload, else how it is compared. */
    private static String differences(Workload w) {
        List<String> named = new ArrayList<>();
        Differences.NAMED.stream().filter(n -> n.workload().equals(w.name()))
                .forEach(n -> named.add(n.mode().name().toLowerCase() + " " + n.aspects().toString().toLowerCase() + ": " + n.why()));
        String untouched = Differences.UNTOUCHED_IN_MANAGED.get(w.name());
        if (untouched != null) {
            named.add("managed compared with the reference's count plus the requests its restart cost it (+N)");
        }
        Differences.Analogue a = Differences.ANALOGUES.get(w.name());
        if (a != null) {
            named.add("managed compared with the reference's " + a.workload());
        }
        if (named.isEmpty()) {
            named.add(w.exact() ? "none; exact" : "none; within max(2, 20 %): timing, see below");
        }
        return String.join("; ", named).replace("|", "/");
    }

    /**
     * Per workload and DVM template, the closest race of any run on any side ({@link Races}): how
     * many host seconds separated a request from the preload whose beginning decided it.
     */
    String races() {
        List<Row> all = rows();
        List<String> templates = new ArrayList<>();
        Map<String, Map<String, Double>> closest = new LinkedHashMap<>();
        Map<String, Workload> workloads = new LinkedHashMap<>();
        for (Row r : all) {
            if (!templates.contains(r.profile().name())) {
                templates.add(r.profile().name());
            }
            workloads.putIfAbsent(r.workload().name(), r.workload());
            double race = Math.min(r.reference().closestRace(), Math.min(r.managed().closestRace(), r.nativeMode().closestRace()));
            closest.computeIfAbsent(r.workload().name(), k -> new LinkedHashMap<>()).merge(r.profile().name(), race, Math::min);
        }
        StringBuilder out = header("| workload |", "| --- |", templates, "---:", "compared");
        closest.forEach((w, byTemplate) -> {
            out.append("| ").append(w).append(" |");
            templates.forEach(t -> out.append(' ').append(seconds(byTemplate.get(t))).append(" |"));
            out.append(' ').append(workloads.get(w).exact() ? "exact" : "within max(2, 20 %)").append(" |\n");
        });
        return out.toString();
    }

    /** A Markdown table's head: the {@code lead} cells, one per column, then {@code last}; the rule row aligns the columns. */
    private static StringBuilder header(String lead, String leadRule, List<String> columns, String align, String last) {
        StringBuilder out = new StringBuilder(lead);
        columns.forEach(c -> out.append(' ').append(c).append(" |"));
        out.append(' ').append(last).append(" |\n").append(leadRule);
        columns.forEach(c -> out.append(' ').append(align).append(" |"));
        return out.append(" --- |\n");
    }

    private static String seconds(Double hostSeconds) {
        return hostSeconds == null ? "" : hostSeconds.isInfinite() ? "none" : String.format("%.1f s", hostSeconds);
    }

    /** Every side's outcome on the first DVM template and seed run: what a user saw, request by request. */
    String detail() {
        List<Row> all = rows();
        if (all.isEmpty()) {
            return "";
        }
        DvmProfile p = all.get(0).profile();
        long seed = all.get(0).seed();
        StringBuilder out = new StringBuilder();
        out.append("| workload | side | from pool | cold (which requests) | max held | mean held at request | outdated handed out "
                + "| closest race | discarded (why) |\n");
        out.append("| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | --- |\n");
        for (Row r : all) {
            if (r.profile() == p && r.seed() == seed) {
                line(out, r.workload().name(), "reference", r.reference());
                line(out, "", "dispool managed", r.managed());
                line(out, "", "dispool native", r.nativeMode());
            }
        }
        return out.toString();
    }

    DvmProfile detailProfile() {
        return rows().isEmpty() ? DvmProfile.WEB : rows().get(0).profile();
    }

    long detailSeed() {
        return rows().isEmpty() ? 0 : rows().get(0).seed();
    }

    /** {@code (#1, #2, #7)}; long lists end with the count of the rest. */
    private static String shortList(List<Integer> numbers) {
        String shown = String.join(", ", numbers.stream().limit(8).map(n -> "#" + n).toList());
        return "(" + shown + (numbers.size() > 8 ? ", +" + (numbers.size() - 8) : "") + ")";
    }

    private static void line(StringBuilder out, String workload, String side, Outcome o) {
        out.append("| ").append(workload).append(" | ").append(side).append(" | ").append(o.served()).append(" | ")
                .append(o.cold()).append(o.coldRequests().isEmpty() ? "" : " " + shortList(o.coldRequests())).append(" | ").append(o.maxHeld()).append(" | ")
                .append(String.format("%.1f", o.meanHeldAtRequests())).append(" | ").append(o.outdatedHandOuts()).append(" | ")
                .append(seconds(o.closestRace())).append(" | ").append(o.discards().size());
        if (!o.discards().isEmpty()) {
            StringBuilder why = new StringBuilder();
            o.discardReasons().forEach((reason, n) -> why.append(why.length() == 0 ? "" : "; ").append(reason).append(" ×").append(n));
            out.append(" (").append(why.toString().replace("|", "/")).append(')');
        }
        out.append(" |\n");
    }
}
