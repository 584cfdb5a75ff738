package dispool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dispool.bench.HandOutTimeline.Stage;
import dispool.host.qemu.UnpauseSteps;
import dispool.pool.HandOut;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-hand-out timeline: the host's steps matched to the bench's request, ready hand-outs only. */
class HandOutTimelineTest {

    static final long MS = 1_000_000;

    @TempDir
    Path dir;

    private static HandOut ready(String name) {
        return new HandOut(name, "dvm", true, Map.of("unpause", 5.0), 6.0);
    }

    /** Steps of an unpause that began {@code at} ms after t=0, paused {@code pausedS} s, with {@code booting} boots beside. */
    private static UnpauseSteps steps(String name, long at, long pausedS, int booting) {
        long t = at * MS;
        return new UnpauseSteps(name, t - pausedS * 1000 * MS, t, t + MS, t + 3 * MS, t + 4 * MS, t + 5 * MS, 0, booting);
    }

    @Test
    void eachReadyHandOutIsTimedFromTheRequestAndSplitByWhatStartsBesideIt() throws Exception {
        HandOutTimeline timeline = new HandOutTimeline();
        timeline.unpaused(steps("disp1", 1, 10, 0));
        timeline.handedOut(ready("disp1"), 0, 7 * MS);
        timeline.unpaused(steps("disp2", 102, 20, 2));
        timeline.handedOut(ready("disp2"), 100 * MS, 109 * MS);
        timeline.handedOut(new HandOut("disp3", "dvm", false, Map.of(), 2500), 200 * MS, 2700 * MS);

        List<HandOutTimeline.Entry> all = timeline.entries();
        assertEquals(2, all.size(), "the cold hand-out has no unpause and is left out");
        assertEquals(1, all.get(0).ms(Stage.CLAIM), 1e-9);
        assertEquals(2, all.get(0).ms(Stage.PING_WRITTEN), 1e-9);
        assertEquals(4, all.get(0).ms(Stage.CONT_REPLY), 1e-9);
        assertEquals(5, all.get(0).ms(Stage.ANSWER_READ), 1e-9);
        assertEquals(6, all.get(0).ms(Stage.UNPAUSE_RETURNED), 1e-9);
        assertEquals(7, all.get(0).ms(Stage.CALLER_AWAKE), 1e-9);
        assertEquals(2, all.get(1).ms(Stage.CLAIM), 1e-9);
        assertTrue(all.get(1).besideStarting() && !all.get(0).besideStarting());
        assertEquals(15, timeline.medianPausedSeconds(), 1e-9);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        timeline.report(dir, new PrintStream(out, true, StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("nothing starting") && table.contains("QEMU starting"), table);
        List<String> csv = Files.readAllLines(dir.resolve("timeline.csv"));
        assertEquals("qube,paused s,launching,booting,claim ms,ping written ms,cont reply ms,answer read ms,"
                + "unpause returned ms,caller awake ms", csv.get(0));
        assertEquals("disp2,20.00,0,2,2.000,3.000,5.000,6.000,7.000,9.000", csv.get(2));
    }
}
