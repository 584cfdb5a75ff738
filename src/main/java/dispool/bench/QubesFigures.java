package dispool.bench;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Qubes' own published figures, for {@code dispool bench --compare}. Data, not code: copied from
 * the project's reference notes on Qubes' measurements (shared reference "qubes-perf.md", §2 API
 * per-iteration statistics and §4 preload-max sweep), which summarize QubesOS/qubes-core-admin
 * {@code tests-data/dispvm_perf/nv54-mem16.json} and {@code nv56-mem32.json} (commit cc3a140d,
 * measured 2025-09-22 on R4.3-rc2, Intel Core Ultra 7 155H, template fedora-42-xfce). Seconds of
 * API "response" (request → usable), 12 requests per test.
 */
public final class QubesFigures {

    /** One machine's figure for a test: min / median / mean / max, or only the mean (the sweep). */
    public record Figure(String machine, Double min, Double median, double mean, Double max) {

        static Figure full(String machine, double min, double median, double mean, double max) {
            return new Figure(machine, min, median, mean, max);
        }

        static Figure meanOnly(String machine, double mean) {
            return new Figure(machine, null, null, mean, null);
        }
    }

    static final String NV54 = "nv54-mem16 (16 GB)";
    static final String NV56 = "nv56-mem32 (32 GB)";
    static final String SOURCE = "Qubes R4.3-rc2, fedora-42-xfce, Intel Core Ultra 7 155H, 12 requests "
            + "(qubes-core-admin tests-data/dispvm_perf at cc3a140d, via reference/qubes-perf.md)";

    private static final Map<String, List<Figure>> BY_TEST = Map.of(
            "dom0-dispvm-api", List.of(Figure.full(NV54, 6.27, 7.16, 7.16, 7.85), Figure.full(NV56, 6.47, 7.00, 6.97, 7.52)),
            "dom0-dispvm-preload-api", List.of(Figure.full(NV54, 0.30, 1.06, 1.49, 3.59),
                    Figure.full(NV56, 0.29, 0.52, 0.91, 2.66)),
            "dom0-dispvm-concurrent-api", List.of(Figure.full(NV54, 8.03, 9.75, 10.12, 14.37),
                    Figure.full(NV56, 7.87, 8.85, 9.37, 13.16)),
            "dom0-dispvm-preload-concurrent-api", List.of(Figure.full(NV54, 0.48, 7.34, 6.43, 14.55),
                    Figure.full(NV56, 1.26, 5.93, 5.61, 12.74)),
            "dom0-dispvm-preload-2-api", List.of(Figure.meanOnly(NV54, 1.94), Figure.meanOnly(NV56, 1.40)),
            "dom0-dispvm-preload-3-api", List.of(Figure.meanOnly(NV54, 1.45), Figure.meanOnly(NV56, 0.60)),
            "dom0-dispvm-preload-5-api", List.of(Figure.meanOnly(NV54, 0.72), Figure.meanOnly(NV56, 0.57)),
            "dom0-dispvm-preload-6-api", List.of(Figure.meanOnly(NV54, 1.00), Figure.meanOnly(NV56, 0.88)));

    private QubesFigures() {
    }

    /** Qubes' figures for a scenario name; the sweep's max 4 is {@code dom0-dispvm-preload-api}. */
    public static Optional<List<Figure>> of(String scenario) {
        String name = scenario.equals("dom0-dispvm-preload-4-api") ? "dom0-dispvm-preload-api" : scenario;
        return Optional.ofNullable(BY_TEST.get(name));
    }
}
