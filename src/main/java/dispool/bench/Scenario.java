package dispool.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One measured case, named like Qubes' API tests (reference: Qubes' {@code tests/dispvm_perf.py})
 * so results can be set beside theirs.
 *
 * @param name       e.g. {@code dom0-dispvm-preload-concurrent-api}
 * @param template   the DVM template
 * @param preloadMax preload-dispvm-max during the scenario; 0 = cold disposables
 * @param inFlight   requests in flight at once (1 = back to back)
 * @param iterations requests in the scenario
 */
public record Scenario(String name, String template, int preloadMax, int inFlight, int iterations) {

    /** True for a scenario that hands out preloads (max above 0). */
    public boolean preloaded() {
        return preloadMax > 0;
    }

    /**
     * Qubes' set for one template: cold and preloaded, sequential and {@code inFlight} at once,
     * then the preload-max sweep ({@code dom0-dispvm-preload-N-api}, Qubes' name at HEAD).
     */
    public static List<Scenario> standard(String template, int iterations, int preloadMax, int inFlight,
            List<Integer> sweep) {
        List<Scenario> out = new ArrayList<>();
        out.add(new Scenario("dom0-dispvm-api", template, 0, 1, iterations));
        out.add(new Scenario("dom0-dispvm-preload-api", template, preloadMax, 1, iterations));
        out.add(new Scenario("dom0-dispvm-concurrent-api", template, 0, inFlight, iterations));
        out.add(new Scenario("dom0-dispvm-preload-concurrent-api", template, preloadMax, inFlight, iterations));
        for (int max : sweep) {
            out.add(new Scenario("dom0-dispvm-preload-" + max + "-api", template, max, 1, iterations));
        }
        return out;
    }
}
