package dispool.host.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.host.PowerState;
import dispool.host.QubeInfo;
import dispool.host.ServiceResult;
import dispool.pool.DispoolEngine;
import dispool.pool.EngineSettings;
import dispool.pool.HandOut;
import dispool.pool.PoolView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine on real QEMU guests: a pool of two fills with paused guests, a hand-out resumes one
 * and a command runs in it, the pool refills; memory admission on the real figure. Boots take
 * 2–3 s each under TCG on two shared CPUs, so the waits are generous; the figures are printed
 * (they go in the README and the report, not in assertions).
 */
class QemuPoolTest {

    static final String DVM = "qemu-dvm";
    static final String COLD = "cold-dvm";
    static final String TPL = "debian-guest";
    static final long GUEST_MIB = 192;

    @TempDir
    Path tmp;
    private QemuHost host;
    private DispoolEngine engine;
    /** Every unpause's steps, told from the start as the bench's are: a pause is stamped only while someone listens. */
    private final List<UnpauseSteps> unpauses = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50));
    }

    private void open(OptionalLong budgetMiB, Map<String, String> dom0, Map<String, String> dvmFeatures) {
        Path guest = QemuGuest.require();
        host = QemuHost.open(QemuGuest.settings(tmp.resolve("state"), budgetMiB, dom0,
                QemuGuest.template(guest, DVM, TPL, GUEST_MIB, true, dvmFeatures),
                QemuGuest.template(guest, COLD, TPL, GUEST_MIB, false, Map.of())));
        host.onUnpause(unpauses::add);
        engine = new DispoolEngine(host, EngineSettings.defaults());
        engine.start();
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        QemuGuest.stopAll(host);
    }

    private List<QubeInfo> disposables() {
        return host.listQubes().stream().filter(QubeInfo::isDispVm).toList();
    }

    @Test
    void aPoolOfTwoFillsWithPausedGuestsAndAHandOutRunsACommand() {
        open(OptionalLong.empty(), Map.of(), Map.of("preload-dispvm-max", "2")); // Qubes' refill delay, 3 s
        await().until(() -> engine.pool(DVM).ready() == 2);
        List<String> preloads = engine.pool(DVM).preloads().stream().map(PoolView.PreloadView::name).toList();
        preloads.forEach(p -> assertEquals(PowerState.Paused, host.qube(p).state(), p));

        HandOut warm = engine.handOut(DVM).await().atMost(Duration.ofSeconds(60));
        assertTrue(warm.preloaded() && preloads.contains(warm.name()), warm.toString());
        UnpauseSteps steps = unpauses.get(0);
        assertEquals(warm.name(), steps.qube());
        assertTrue(steps.start() <= steps.pingWritten() && steps.pingWritten() <= steps.contReply() && steps.contReply() <= steps.awake()
                && steps.pingWritten() <= steps.answerRead() && steps.answerRead() <= steps.awake(), steps.toString());
        assertTrue(steps.pausedMs() > 0, "paused since the pool filled: " + steps);
        assertEquals(0, steps.launching() + steps.booting(), "the pool was full, nothing starting: " + steps);
        assertEquals(PowerState.Running, host.qube(warm.name()).state());
        long t0 = System.nanoTime();
        ServiceResult uname = host.runService(warm.name(), "qubes.VMExec+uname+--r", Duration.ofSeconds(30));
        double commandMs = (System.nanoTime() - t0) / 1e6;
        assertEquals(0, uname.exitStatus(), uname.stderr());
        assertTrue(uname.stderr().contains("cloud-amd64"), uname.stderr());
        // printf 'a\n1 0\n\nb' >&2; exit 3: the output exactly (a line like an answer, a blank one, no final
        // line break), stderr with it, the exit status
        ServiceResult raw = host.runService(warm.name(), "qubes.VMExec+sh+--c+printf-20-27a-5cn1-200-5cn-5cnb-27-20-3e-262"
                + "-3b-20exit-203", Duration.ofSeconds(30));
        assertEquals(3, raw.exitStatus(), raw.stderr());
        assertEquals("a\n1 0\n\nb", raw.stderr());

        HandOut cold = engine.handOut(COLD).await().atMost(Duration.ofSeconds(120));
        assertFalse(cold.preloaded(), cold.toString());
        assertTrue(cold.usableAfterMs() > warm.usableAfterMs(), "a cold start cannot beat a resume: " + cold + " " + warm);
        System.out.printf(Locale.ROOT, "QEMU pool (%s): preloaded hand-out usable after %.1f ms %s, command round trip "
                + "%.1f ms; cold hand-out usable after %.1f ms %s; cold/preloaded = %.0fx%n", host.accelerator(),
                warm.usableAfterMs(), warm.timings(), commandMs, cold.usableAfterMs(), cold.timings(),
                cold.usableAfterMs() / warm.usableAfterMs());

        await().until(() -> engine.pool(DVM).ready() == 2);
        assertEquals(4, disposables().size(), "two preloads plus the two handed out");
    }

    @Test
    void aBudgetForExactlyOneMoreGuestAboveTheThresholdBootsExactlyOne() {
        long threshold = 100;
        open(OptionalLong.of(threshold + GUEST_MIB + GUEST_MIB / 2), Map.of("preload-dispvm-threshold", Long.toString(threshold)),
                Map.of("preload-dispvm-max", "3"));
        await().until(() -> engine.pool(DVM).ready() == 1);
        // the barrier: a reconcile after the first (3 wanted, 1 admitted) wanted the 2 left; with the
        // first guest reserved or running the gate admits none, which its admission records
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> engine.pool(DVM).admission() != null && engine.pool(DVM).admission().want() == 2);
        PoolView pool = engine.pool(DVM);
        assertEquals(0, pool.admission().allowed(), pool.admission().toString());
        assertTrue(pool.admission().reason().contains("wait for memory"), pool.admission().toString());
        assertEquals(1, disposables().size(), "exactly one guest booted");
        assertEquals(1, pool.preloads().size(), pool.toString());
        System.out.printf("QEMU memory admission (%s): %s%n", host.accelerator(), pool.admission());
    }
}
