package dispool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.HostEvent;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pre-events of commands R4.2's qubesd refuses while dispool's preloads exist (sent here by
 * hand; {@code QubesdGuardsTest} has them from the emulated qubesd): the pool empties at once,
 * and refills when the command is seen done, after the retry window when it is not, and for a
 * netvm only once it runs again.
 */
class UserIntentsTest extends EngineFixture {

    @BeforeEach
    void twoPreloadsOfWeb() {
        start(host().templateVm("debian-13-xfce").feature(WEB, "preload-dispvm-max", "2").feature(DEFAULT, "preload-dispvm-max", "1").build());
        awaitReady(WEB, 2);
        awaitReady(DEFAULT, 1);
    }

    private void send(String subject, String event, String... kwargs) {
        sim.replayEvent(HostEvent.of(subject, event, kwargs));
    }

    /** The pool's preloads now. */
    private List<String> preloadsOf(String template) {
        return pool(template).preloads().stream().map(PoolView.PreloadView::name).toList();
    }

    /**
     * Waits until these qubes are gone from the host: the pool was emptied. (Its view may refill
     * again before a poll sees it empty when the hold is short against the simulator's speed.)
     */
    private void awaitRemoved(List<String> qubes) {
        await().until(() -> sim.listQubes().stream().noneMatch(q -> qubes.contains(q.name())));
    }

    /** Waits until the simulated host's clock is past the retry window since {@code startNanos}: no sleep, a condition. */
    private void awaitRetryWindowPassed(long startNanos) {
        await().until(() -> sim.clock().nanos() - startNanos > UserIntents.RETRY_WINDOW.toNanos());
    }

    @Test
    void aRefusedRemovalEmptiesThePoolWhichRefillsAfterTheRetryWindow() {
        long t0 = sim.clock().nanos();
        List<String> before = preloadsOf(WEB);
        send("", "domain-pre-delete", "vm", WEB);
        awaitRemoved(before);
        assertEquals(1, pool(DEFAULT).ready(), "only the pool of the qube being removed empties");
        awaitReady(WEB, 2);
        assertTrue(sim.clock().nanos() - t0 >= UserIntents.RETRY_WINDOW.toNanos(), "not before the window ran out");
    }

    @Test
    void aTemplateChangeSeenDoneEndsTheHoldAtOnce() {
        long t0 = sim.clock().nanos();
        send(WEB, "property-pre-set:template", "name", "template", "newvalue", "debian-13-xfce", "oldvalue", "fedora-42-xfce");
        awaitReady(WEB, 0);
        sim.setProperty(WEB, "template", "debian-13-xfce"); // property-set:template: the change went through
        awaitReady(WEB, 2);
        assertTrue(sim.clock().nanos() - t0 < UserIntents.RETRY_WINDOW.toNanos(), "refilled before the window ran out");
    }

    @Test
    void anUnchangedTemplateOrTemplateForDispvmsTrueHoldsNothing() {
        List<String> before = preloadsOf(DEFAULT);
        send(WEB, "property-pre-set:template", "name", "template", "newvalue", "fedora-42-xfce", "oldvalue", "fedora-42-xfce");
        send(WEB, "property-pre-set:template_for_dispvms", "name", "template_for_dispvms", "newvalue", "True", "oldvalue", "True");
        send("sys-net", "domain-pre-shutdown", "force", "False"); // not the preloads' netvm
        send("sys-firewall", "domain-pre-shutdown", "force", "True"); // qvm-shutdown --force: qubesd does not refuse
        send(DEFAULT, "property-pre-set:template_for_dispvms", "name", "template_for_dispvms", "newvalue", "False", "oldvalue", "True");
        awaitRemoved(before); // the last one holds, and the events before it were routed first
        assertEquals(2, pool(WEB).ready());
    }

    @Test
    void theNetvmShuttingDownHoldsEveryPoolOnItUntilItStartsAgain() {
        long t0 = sim.clock().nanos();
        send("sys-firewall", "domain-pre-shutdown", "force", "False");
        awaitReady(WEB, 0);
        awaitReady(DEFAULT, 0);
        awaitRetryWindowPassed(t0);
        sim.setFeature(WEB, "preload-dispvm-max", "3"); // a reconcile after the window: still held
        await().until(() -> pool(WEB).max() == 3);
        assertEquals(0, pool(WEB).ready() + pool(WEB).starting(), "no preload starts the netvm again behind the user's back");
        send("sys-firewall", "domain-start", "start_guid", "True");
        awaitReady(WEB, 3);
        awaitReady(DEFAULT, 1);
    }
}
