package dispool.host.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * qmemman's rules as read from qubes-core-admin release4.3 ({@code qubes/qmemman/algo.py},
 * {@code systemstate.py}, {@code qubes/vm/dispvm.py}), on a host of 16,000 MiB with a dom0 of 4,000
 * MiB (its maximum), on a clock the test moves by hand.
 */
class QmemmanTest {

    private static final long TOTAL = 16_000;
    private static final long DOM0 = 4_000;
    private final AtomicLong now = new AtomicLong();

    private Qmemman qmemman(QmemmanRules rules) {
        return new Qmemman(rules, TOTAL, DOM0, now::get);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void theSumRulesGiveTotalLessDom0LessMemoryLessTheReserve() {
        Qmemman q = qmemman(QmemmanRules.SUM);
        q.started("disp1", 400, 4000);
        q.started("disp2", 600, 4000);
        assertEquals(TOTAL - DOM0 - 50 - 1000, q.publishedMiB());
        q.paused("disp1", true);
        assertEquals(TOTAL - DOM0 - 50 - 1000, q.obtainableMiB(), "no balloon: a paused qube holds what it started with");
        q.halted("disp2");
        assertEquals(TOTAL - DOM0 - 50 - 400, q.publishedMiB());
    }

    @Test
    void prefMemIsUsedTimesTheCacheFactorAtLeast200MiBAtMostMaxmemAndDom0GetsItsBoost() {
        QmemmanRules r = QmemmanRules.QUBES_R43;
        assertEquals(520, r.preferredMiB(false, 400, 4000), "400 × 1.3");
        assertEquals(200, r.preferredMiB(false, 100, 4000), "MIN_PREFMEM");
        assertEquals(450, r.preferredMiB(false, 400, 450), "capped at maxmem");
        assertEquals(1000 * 13 / 10 + 350, r.preferredMiB(true, 1000, 8000), "dom0: × 1.3 + DOM0_MEM_BOOST");
        assertEquals(DOM0, r.preferredMiB(true, DOM0, DOM0), "dom0 capped at its maximum");
    }

    @Test
    void aStartedQubeCountsAtItsMemoryUntilItsGuestReportsThenAtItsPreferredSize() {
        Qmemman q = qmemman(QmemmanRules.QUBES_R43);
        long idle = q.publishedMiB();
        assertEquals(TOTAL - DOM0 - 50, idle);
        q.started("disp1", 400, 4000);
        advance(Duration.ofMillis(100));
        assertEquals(idle - 400, q.publishedMiB(), "before its first meminfo report: what it started with");
        advance(Duration.ofSeconds(2));
        assertEquals(idle - 520, q.publishedMiB(), "reported: pref_mem = 1.3 × used");
    }

    @Test
    void thePublishedFigureLagsTheChangeByOneBalance() {
        Qmemman q = qmemman(QmemmanRules.QUBES_R43);
        long idle = q.publishedMiB();
        q.started("disp1", 400, 4000);
        assertEquals(idle, q.publishedMiB(), "the file is rewritten at the end of do_balance, not at the start");
        advance(Duration.ofMillis(100));
        assertEquals(idle - 400, q.publishedMiB());
        q.halted("disp1");
        assertEquals(idle - 400, q.publishedMiB(), "a halt shows one balance later too");
        advance(Duration.ofMillis(100));
        assertEquals(idle, q.publishedMiB());
    }

    @Test
    void otherQubesTakingMemoryMoveTheFigure() {
        Qmemman q = qmemman(QmemmanRules.QUBES_R43);
        long idle = q.publishedMiB();
        q.takenByOthers(3_000);
        advance(Duration.ofMillis(100));
        assertEquals(idle - 3_000, q.publishedMiB());
        q.takenByOthers(0);
        advance(Duration.ofMillis(100));
        assertEquals(idle, q.publishedMiB());
    }

    @Test
    void aPreloadGivesItsSurplusBackBeforeItsPauseSoAStartCanGetIt() {
        Qmemman q = runningReported(QmemmanRules.QUBES_R43);
        long before = q.obtainableMiB();
        q.paused("disp1", true);
        assertEquals(520, q.heldMiB("disp1"), "on_domain_pre_paused: set to pref_mem");
        assertEquals(before, q.obtainableMiB(), "nothing is frozen above its preferred size");
        assertEquals(q.publishedMiB(), q.obtainableMiB());
    }

    @Test
    void aQubePausedWithoutGivingBackHoldsItsBalloonedShareWhichNoStartCanGet() {
        for (QmemmanRules rules : new QmemmanRules[] {QmemmanRules.QUBES_R43.withoutPreloadShrink(), QmemmanRules.QUBES_R43}) {
            Qmemman q = runningReported(rules);
            long ballooned = q.heldMiB("disp1");
            q.paused("disp1", false);
            advance(Duration.ofMillis(100));
            assertEquals(ballooned, q.heldMiB("disp1"), "paused with its balanced share");
            assertEquals(4000, ballooned, "the free memory went to it up to its maxmem");
            assertEquals(q.publishedMiB() - (4000 - 520), q.obtainableMiB(),
                    "the published figure counts the paused qube's surplus; a start cannot balloon a paused qube down");
        }
    }

    @Test
    void aQubePausedBeforeItsFirstReportDoesNotReportUntilUnpaused() {
        Qmemman q = qmemman(QmemmanRules.QUBES_R43);
        long idle = q.publishedMiB();
        q.started("disp1", 400, 4000);
        q.paused("disp1", true);
        advance(Duration.ofSeconds(10));
        assertEquals(idle - 400, q.publishedMiB());
        q.unpaused("disp1");
        advance(Duration.ofMillis(2_100));
        assertEquals(idle - 520, q.publishedMiB());
    }

    @Test
    void rulesOutsideQmemmansRangeAreRefusedWithTheLimit() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new QmemmanRules(0.5, 200, 350, 50, Duration.ZERO, Duration.ZERO, true, true));
        assertEquals("qmemman cache factor 0.5 refused: 1.0 or more (Qubes: 1.3)", e.getMessage());
    }

    /** One disposable of 400 MiB (maxmem 4000), started and reported, the balance published. */
    private Qmemman runningReported(QmemmanRules rules) {
        Qmemman q = qmemman(rules);
        q.started("disp1", 400, 4000);
        advance(Duration.ofSeconds(3));
        return q;
    }
}
