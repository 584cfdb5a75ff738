package dispool.host.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.Clock;
import dispool.host.model.DispIds;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Disposable ids come back as qubesd gives them back (qubes/app.py get_new_unused_dispid): a
 * host making one disposable every two minutes (5,040 a week, half the 10,000 ids) never runs out,
 * and never hands an id out again within a week of its qube's deletion. At one a minute qubesd
 * itself runs out (10,080 deleted within a week), and so does the simulator.
 */
class DispIdReuseTest {

    private static final Duration EVERY = Duration.ofMinutes(2);

    @Test
    void twelveThousandDisposablesTwoMinutesApartNeverRunOutAndWaitAWeekToReuse() {
        Clock clock = Clock.skippable(1);
        SimHost sim = SimHost.builder().clock(clock).latency(LatencyModel.ZERO).seed(5).totalMemoryMiB(16000)
                .dom0MemoryMiB(4000).templateVm("fedora-42-xfce").dvmTemplate("web-dvm", 400).build();
        Map<String, Long> deletedAt = new HashMap<>();
        int reused = 0;
        for (int i = 0; i < 12_000; i++) { // 16.7 days of host time: more than the 10,000 ids
            String name = sim.createDisposable("web-dvm", Map.of());
            Long gone = deletedAt.get(name);
            if (gone != null) {
                reused++;
                assertTrue(clock.nanos() - gone >= DispIds.NO_REUSE_PERIOD.toNanos(),
                        name + " came back " + Duration.ofNanos(clock.nanos() - gone) + " after its deletion");
            }
            sim.remove(name);
            deletedAt.put(name, clock.nanos());
            clock.skip(EVERY);
        }
        assertTrue(reused > 0, "ids freed more than a week ago are drawn again");
    }
}
