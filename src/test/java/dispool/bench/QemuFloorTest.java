package dispool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the QEMU bench reports beside its floor; the floor's own timing needs QEMU (QemuPoolTest's guest). */
class QemuFloorTest {

    @TempDir
    Path dir;

    @Test
    void readyHandOutsAreSetAgainstBothFloorsAndColdOnesAgainstThem() {
        QemuFloor floor = new QemuFloor(new double[] {14, 10, 12}, new double[] {21, 20, 25}, 0.5);
        QemuFloor.Row r = floor.row(BenchFixtures.run(), 7.5);
        assertEquals(12, r.floorP50());
        assertEquals(10, r.floorMin());
        assertEquals(21, r.pausedFloorP50(), "the floor of a guest paused as a preload is, timed apart");
        assertEquals(20, r.pausedFloorMin());
        assertEquals(7.5, r.preloadPausedS());
        assertEquals(16, r.preloaded(), "12 ready back to back and 4 ready of the concurrent run; the waited ones are not");
        assertEquals(25, r.preloadedP50());
        assertEquals(12, r.cold());
        assertEquals(7000, r.coldP50());
        assertEquals(25 / 12.0, r.overFloor(), 1e-9);
        assertEquals(25 / 21.0, r.overPausedFloor(), 1e-9);
        assertEquals(280, r.coldOverPreloaded(), 1e-9);
        assertEquals(0.5, r.loadAtStart());
    }

    @Test
    void theReportPrintsTheLoadAndBothFloorsAndWritesOneCsvRow() throws Exception {
        QemuFloor.Row r = new QemuFloor.Row(9.5, 8.1, 10.0, 8.9, 12.3, 16, 12.0, 30.0, 12, 2400, 0.42, 0.61);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        QemuFloor.report(r, dir, new PrintStream(out, true, StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("0.42") && table.contains("0.61"), table);
        assertTrue(table.contains("paused 2 s") && table.contains("median of 12.3 s"), table);
        assertTrue(table.contains("1.26x") && table.contains("1.20x") && table.contains("200x"), table);
        assertEquals(QemuFloor.HEADER + "\n0.42,0.61,9.50,8.10,10.00,8.90,2,12.3,16,12.00,30.00,1.263,1.200,12,2400.0,200.0\n",
                Files.readString(dir.resolve("floor.csv")));
    }
}
