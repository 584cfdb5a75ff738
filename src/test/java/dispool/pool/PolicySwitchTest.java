package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.PowerState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Switching the refill policy of a live pool, back and forth, while hand-outs run: every hand-out
 * is a running, operational disposable given once; the pool never holds more than its max nor
 * takes memory below the threshold; nothing leaks; the pool view names the policy running it.
 */
class PolicySwitchTest extends EngineFixture {

    private static final int MAX = 3;
    private static final int CALLERS = 4;
    private static final int PER_CALLER = 12;

    @Test
    void switchingPolicyWhileHandOutsRunKeepsEveryInvariant() throws Exception {
        start(host().dvmTemplate("switch-dvm", 100).feature("dom0", "preload-dispvm-threshold", "1000").build());
        AtomicInteger maxHeld = new AtomicInteger();
        AtomicLong minAvailableMiB = new AtomicLong(Long.MAX_VALUE);
        engine.events().addListener(e -> {
            if ("switch-dvm".equals(e.template())) {
                PoolView v = engine.pool("switch-dvm");
                maxHeld.accumulateAndGet(v.ready() + v.starting(), Math::max);
                minAvailableMiB.accumulateAndGet(sim.availableMemory().getAsLong() >> 20, Math::min);
            }
        });
        engine.setMax("switch-dvm", Integer.toString(MAX));
        awaitReady("switch-dvm", MAX);

        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        List<Future<List<HandOut>>> running = new ArrayList<>();
        for (int c = 0; c < CALLERS; c++) {
            running.add(callers.submit(() -> {
                List<HandOut> mine = new ArrayList<>();
                for (int i = 0; i < PER_CALLER; i++) {
                    HandOut h = handOut("switch-dvm");
                    assertTrue(sim.isOperational(h.name()), h.name() + " handed out before it was operational");
                    assertEquals(PowerState.Running, state(h.name()));
                    mine.add(h);
                }
                return mine;
            }));
        }
        // switch back and forth while they run: through the engine, then on the host as qvm-features would
        int switches = 0;
        while (running.stream().anyMatch(f -> !f.isDone()) || switches < 4) {
            String to = switches % 2 == 0 ? RefillPolicies.ADAPTIVE : RefillPolicies.QUBES;
            if (switches % 4 < 2) {
                engine.setPolicy("switch-dvm", to);
            } else {
                sim.setFeature("switch-dvm", RefillPolicies.FEATURE, to);
            }
            switches++;
            String expected = to;
            await().until(() -> expected.equals(pool("switch-dvm").policy()));
        }
        Set<String> names = new HashSet<>();
        for (Future<List<HandOut>> f : running) {
            for (HandOut h : f.get(60, TimeUnit.SECONDS)) {
                assertTrue(names.add(h.name()), "handed out twice: " + h.name());
            }
        }
        callers.shutdown();
        assertEquals(CALLERS * PER_CALLER, names.size());
        assertTrue(switches >= 4, "switched " + switches + " times");

        engine.setPolicy("switch-dvm", RefillPolicies.QUBES);
        awaitReady("switch-dvm", MAX);
        Set<String> pooled = new HashSet<>();
        pool("switch-dvm").preloads().forEach(p -> pooled.add(p.name()));
        pooled.forEach(p -> assertTrue(!names.contains(p), p + " is both handed out and in the pool"));
        List<String> leaked = dispvmsOf("switch-dvm").stream().map(q -> q.name())
                .filter(n -> !names.contains(n) && !pooled.contains(n)).toList();
        assertEquals(List.of(), leaked, "disposables neither handed out nor in the pool");
        assertTrue(maxHeld.get() <= MAX, "the pool held " + maxHeld.get() + " > max " + MAX);
        assertTrue(minAvailableMiB.get() >= 1000, "available memory fell to " + minAvailableMiB + " MiB, below the threshold");
    }

    @Test
    void aBadPolicyIsRefusedByNameAndChangesNothing() {
        start(host().build());
        DispoolException e = org.junit.jupiter.api.Assertions.assertThrows(DispoolException.class,
                () -> engine.setPolicy(WEB, "fastest"));
        assertEquals(DispoolException.Kind.INVALID, e.kind());
        assertEquals("policy", e.field());
        assertEquals("fastest", e.value());
        assertTrue(e.rule().contains("qubes") && e.rule().contains("adaptive"), "the rule names the policies: " + e.rule());
        assertTrue(sim.feature(WEB, RefillPolicies.FEATURE).isEmpty());
        sim.setFeature(WEB, RefillPolicies.FEATURE, "fastest");
        await().until(() -> pool(WEB).decision() != null && pool(WEB).decision().contains("'fastest' is not a policy"));
        assertEquals(RefillPolicies.QUBES, pool(WEB).policy());
    }

    @Test
    void aBadPolicyUnderTheAdaptiveDefaultIsNamedBesideTheAdaptiveDecision() {
        start(host().build());
        engine.setDefaultPolicy(RefillPolicies.ADAPTIVE);
        sim.setFeature(WEB, RefillPolicies.FEATURE, "fastest");
        await().until(() -> pool(WEB).decision() != null && pool(WEB).decision().contains("'fastest' is not a policy"));
        assertEquals(RefillPolicies.ADAPTIVE, pool(WEB).policy());
        String decision = pool(WEB).decision();
        assertTrue(decision.contains("running adaptive; "), "the note, then the adaptive policy's own why: " + decision);
        assertTrue(pool(WEB).reasonCode() != null, "the adaptive policy's reason code beside it");
    }
}
