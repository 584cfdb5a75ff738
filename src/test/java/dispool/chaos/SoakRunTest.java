package dispool.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The soak's short form: a simulated day of day-like traffic on 10 DVM templates with every fault
 * kind on, in about a minute. The same checks as the week ({@code dispool chaos --soak}): nothing
 * handed out twice or before it was operational, no leaked qube, and RSS, heap after GC, threads,
 * open fds and the timer queue without an upward trend beyond noise ({@link Trend}); RSS only
 * in the week, past the JVM's warm-up.
 */
class SoakRunTest {

    @Test
    void aSimulatedDayOfDayLikeTrafficWithEveryFaultLeavesNothingBehindAndGrowsNothing() throws InterruptedException {
        SoakReport report = new SoakRun(new SoakPlan(24, 10, 1500, 11, 30)).run();
        report.print(System.out);
        assertEquals(java.util.List.of(), report.violations());
        assertEquals(0, report.leaked(), "leaked qubes");
        // RSS is left to the week: in one simulated minute-long day the JVM is still compiling and committing heap
        // (surefire's JVM has no -Xmx128m), so its RSS rises whatever dispool does; the heap after GC is the leak signal.
        report.trends().stream().filter(t -> !t.name().startsWith("RSS"))
                .forEach(t -> assertTrue(t.flat(), t.name() + " grows: " + t));
        assertEquals(24, report.samples().size(), "one sample per simulated hour");
        SoakReport.Day day = report.days().get(0);
        assertTrue(day.preloaded() + day.cold() > 1000, "the day's traffic was served: " + day);
        assertTrue(day.faults() > 100, "faults fired: " + day);
    }
}
