package dispool.emulator.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.Clock;
import dispool.host.PowerState;
import dispool.host.sim.SimHost;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reference model of qubesd's preloading on its own, against qubes/tests/vm/dispvm.py's expectations. */
class QubesdPreloadingTest {

    private static final String DVM = "default-dvm";
    private SimHost host;
    private QubesdPreloading qubesd;

    private void start(String max, String delay) {
        host = SimHost.builder().clock(Clock.scaled(200)).seed(3).dvmTemplate(DVM, 400, "fedora-42-xfce", 1.0)
                .defaultDispvm(DVM).feature(DVM, "preload-dispvm-max", max).feature(DVM, "preload-dispvm-delay", delay).build();
        qubesd = new QubesdPreloading(host);
    }

    @AfterEach
    void close() {
        if (qubesd != null) {
            qubesd.close();
        }
    }

    private static ConditionFactory await() {
        return Awaitility.await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(5));
    }

    private List<String> listed() {
        String v = host.feature(DVM, "preload-dispvm").orElse("");
        return v.isEmpty() ? List.of() : Arrays.asList(v.split(" "));
    }

    private void awaitPaused(int n) {
        await().until(() -> listed().size() == n && listed().stream().allMatch(q -> host.qube(q).state() == PowerState.Paused));
    }

    @Test
    void theBootServiceFillsThePoolWithPausedPreloadsMarkedAsQubesdMarksThem() {
        start("2", "3");
        qubesd.bootService();
        awaitPaused(2);
        for (String q : listed()) {
            assertTrue(qubesd.isPreload(q));
            assertEquals("1", host.feature(q, "preload-dispvm-completed").orElseThrow());
            assertEquals("", host.feature(q, "preload-dispvm-in-progress").orElseThrow());
            assertEquals("1", host.feature(q, "internal").orElseThrow());
        }
    }

    @Test
    void aRequestGetsTheFirstPreloadRunningAndTheOtherStaysListed() {
        start("2", "3");
        qubesd.bootService();
        awaitPaused(2);
        List<String> before = listed();
        QubesdPreloading.Disposable d = qubesd.createDisposable(DVM);
        assertTrue(d.preloaded());
        assertEquals(before.get(0), d.name());
        assertEquals(PowerState.Running, host.qube(d.name()).state());
        assertEquals(List.of(before.get(1)), listed());
        assertFalse(host.feature(d.name(), "internal").isPresent(), "used: internal removed");
        assertFalse(host.feature(d.name(), "preload-dispvm-in-progress").isPresent());
        assertFalse(qubesd.isPreload(d.name()));
        awaitPaused(2);
        host.kill(d.name());
        awaitPaused(2);
        assertTrue(listed().contains(before.get(1)), "the other preload is still there: " + qubesd.removals());
        assertTrue(qubesd.removals().stream().allMatch(r -> r.reason().equals("qube was requested")), qubesd.removals().toString());
    }

    @Test
    void aTemplateVmUpdateDiscardsEveryPreloadAndRefillsWithFreshOnes() {
        start("2", "3");
        qubesd.bootService();
        awaitPaused(2);
        List<String> before = listed();
        host.updateTemplate("fedora-42-xfce");
        await().until(() -> listed().size() == 2 && listed().stream().noneMatch(before::contains)
                && listed().stream().allMatch(q -> host.qube(q).state() == PowerState.Paused));
        assertTrue(qubesd.removals().stream().filter(r -> before.contains(r.qube()))
                .allMatch(r -> r.reason().equals("of outdated volume(s) or property(ies)")), qubesd.removals().toString());
        QubesdPreloading.Disposable d = qubesd.createDisposable(DVM);
        assertFalse(before.contains(d.name()), "no preload made before the update is handed out");
    }

    @Test
    void aRestartedQubesdRemovesAPreloadWhoseStartWasInterrupted() {
        start("1", "3");
        qubesd.bootService();
        awaitPaused(1);
        String interrupted = listed().get(0);
        host.setFeature(interrupted, "preload-dispvm-in-progress", "1");
        qubesd.close();
        qubesd = new QubesdPreloading(host);
        await().until(() -> host.listQubes().stream().noneMatch(q -> q.name().equals(interrupted)));
        assertEquals("their progress was interrupted", qubesd.removals().get(0).reason());
    }

    @Test
    void aRestartedQubesdRecordsEveryInterruptedPreloadAlsoOneARequestHadTakenOffTheList() {
        start("2", "3");
        qubesd.bootService();
        awaitPaused(2);
        assertEquals(2, qubesd.preloadsBegun());
        String requested = listed().get(0);
        String listedOne = listed().get(1);
        // qubesd's state while a request waits for a preload still starting: off the list, in progress
        host.setFeature(DVM, "preload-dispvm", listedOne);
        host.setFeature(requested, "preload-dispvm-in-progress", "1");
        host.setFeature(listedOne, "preload-dispvm-in-progress", "1");
        qubesd.close();
        qubesd = new QubesdPreloading(host);
        assertEquals(Set.of(requested, listedOne), Set.copyOf(qubesd.interrupted()));
        assertEquals(List.of(listedOne), qubesd.removals().stream().map(QubesdPreloading.Removal::qube).toList(),
                "only a listed one is in qubesd's log line of the list");
        assertEquals(0, qubesd.preloadsBegun(), "a restarted qubesd begins no preload by itself (no boot service)");
    }

    @Test
    void suspendDropsThePreloadsAndResumeRefills() {
        start("2", "3");
        qubesd.bootService();
        awaitPaused(2);
        qubesd.suspendPre();
        assertEquals(List.of(), listed());
        assertTrue(qubesd.removals().stream().allMatch(r -> r.reason().equals("system wants to suspend")));
        qubesd.suspendPost();
        awaitPaused(2);
    }

    @Test
    void aNegativeDelayRefillsOnlyOnceThePoolIsEmpty() {
        start("2", "-1");
        qubesd.bootService();
        awaitPaused(2);
        qubesd.createDisposable(DVM);
        assertEquals(1, listed().size());
        String last = listed().get(0);
        qubesd.createDisposable(DVM);
        await().until(() -> listed().size() == 2 && !listed().contains(last));
        assertEquals(2, host.listQubes().stream().filter(q -> q.isDispVm()).count() - 2,
                "a refill of two once the pool was empty, beside the two hand-outs");
    }
}
