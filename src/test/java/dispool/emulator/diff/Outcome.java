package dispool.emulator.diff;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a user saw on one side: requests served from the pool and which ones were cold (numbered
 * from 1 in script order), the most preloads held at once, the preloads seen by each request (the pool size over time), and what was thrown away why.
 * {@code lostToRestart}: the cold requests a restart of qubesd cost this side ({@link Side.Served#lostToRestart});
 * {@code closestRace}: the run's smallest margin between a request and a preload's beginning, host seconds ({@link Races}).
 */
record Outcome(int served, List<Integer> coldRequests, int maxHeld, List<Integer> heldAtRequests, List<String> discards,
        int outdatedHandOuts, List<Integer> lostToRestart, double closestRace) {

    int cold() {
        return coldRequests.size();
    }

    int requests() {
        return served + cold();
    }

    double servedShare() {
        return requests() == 0 ? 0 : (double) served / requests();
    }

    double meanHeldAtRequests() {
        return heldAtRequests.stream().mapToInt(Integer::intValue).average().orElse(0);
    }

    /** Discard reasons with their counts, e.g. {@code {host suspend=2}}. */
    Map<String, Long> discardReasons() {
        Map<String, Long> out = new TreeMap<>();
        discards.forEach(r -> out.merge(r, 1L, Long::sum));
        return out;
    }
}
