package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.sim.LatencyModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On a simulated host whose boots share 3 slots: the adaptive policy starts at most what the host
 * sustains at once, measured, the rest as starts finish; the {@code qubes} policy starts its
 * whole gap together, as R4.3 does.
 */
class StartLimitTest extends EngineFixture {

    private static final String T = "burst-dvm";
    private static final int MAX = 10;

    private final Set<String> inFlight = new HashSet<>();
    private int peak;
    private final List<String> startDecisions = new CopyOnWriteArrayList<>();

    private void startWith(String policy) {
        start(host().bootSlots(LatencyModel.QUBES_R43_BOOT_SLOTS).dvmTemplate(T, 400).feature(T, RefillPolicies.FEATURE, policy)
                .build());
        engine.events().addListener(this::track);
    }

    /** Starts of the pool under way by its events: from PRELOAD_STARTED to whatever ended them. */
    private synchronized void track(PoolEvent e) {
        if (!T.equals(e.template()) || e.qube() == null) {
            return;
        }
        switch (e.type()) {
            case PRELOAD_STARTED -> inFlight.add(e.qube());
            case PRELOAD_READY, PRELOAD_FAILED, HANDED_OUT, PRELOAD_DISCARDED, QUBE_REMOVED, USED_ELSEWHERE -> {
                inFlight.remove(e.qube());
            }
            default -> { }
        }
        peak = Math.max(peak, inFlight.size());
        String decision = engine.pool(T).decision();
        if (decision != null && decision.contains("at once")) {
            startDecisions.add(decision);
        }
    }

    @Test
    void anAdaptivePoolStartsWhatTheHostSustainsAndLearnsItThroughABurst() throws Exception {
        startWith(RefillPolicies.ADAPTIVE);
        engine.setMax(T, Integer.toString(MAX));
        awaitReady(T, 1); // no demand yet: the adaptive pool keeps one
        for (int round = 0; round < 3; round++) {
            burst(12, 4);
            await().until(() -> pool(T).starting() == 0 && pool(T).ready() > 0);
        }
        synchronized (this) {
            // K = 3 slots: every level from 3 up has the same throughput, so the estimator settles on 3,
            // or on 4 when a few samples' noise beat the margin, and probes one above: never the whole gap
            assertTrue(peak <= LatencyModel.QUBES_R43_BOOT_SLOTS + 3, "at most the sustained starts at once, peak " + peak
                    + "; decisions: " + startDecisions);
        }
        assertTrue(startDecisions.stream().anyMatch(d -> d.contains("more as starts finish")),
                "the limit held starts back: " + startDecisions);
        assertTrue(startDecisions.stream().anyMatch(d -> d.contains("at once (measured: ")),
                "the pool view says what was measured: " + startDecisions);
    }

    @Test
    void aQubesPoolStartsItsWholeGapAtOnce() {
        startWith(RefillPolicies.QUBES);
        engine.setMax(T, Integer.toString(MAX));
        awaitReady(T, MAX);
        synchronized (this) {
            assertEquals(MAX, peak, "R4.3 fills the gap together");
        }
        assertTrue(startDecisions.isEmpty(), "no start limit: " + startDecisions);
    }

    /** {@code n} requests, {@code callers} at a time, each disposable killed when handed out: Qubes' concurrency benchmark. */
    private void burst(int n, int callers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                done.add(pool.submit(() -> sim.kill(handOut(T).name())));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
        }
    }
}
