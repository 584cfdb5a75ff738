package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A preload the adaptive policy no longer wants is removed with the policy's reason, not as if
 * {@code preload-dispvm-max} had been lowered (the max is unchanged).
 */
class PolicyTrimReasonTest extends EngineFixture {

    @Test
    void anAdaptiveTrimSaysThePolicyWantsFewerThanTheMax() {
        start(host().dvmTemplate("trim-dvm", 100).build());
        List<String> discarded = new CopyOnWriteArrayList<>();
        engine.events().addListener(e -> {
            if (e.type() == PoolEvent.Type.PRELOAD_DISCARDED && "trim-dvm".equals(e.template())) {
                discarded.add(e.reason());
            }
        });
        engine.setMax("trim-dvm", "4");
        awaitReady("trim-dvm", 4);
        handOut("trim-dvm"); // one request a minute or less: Erlang C wants fewer than 4
        awaitReady("trim-dvm", 4); // the qubes policy refills to its max
        engine.setPolicy("trim-dvm", RefillPolicies.ADAPTIVE);
        await().until(() -> !discarded.isEmpty());
        assertTrue(discarded.get(0).startsWith("the adaptive policy wants "), discarded.get(0));
        assertTrue(discarded.get(0).contains(" of 4: ") && discarded.get(0).contains("requests/min outside bursts"),
                discarded.get(0));
    }
}
