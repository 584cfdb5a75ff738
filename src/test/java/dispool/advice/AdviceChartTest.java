package dispool.advice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dispool.bench.Traffic;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The advice chart of a recorded day (8 hours, quiet with bursts, on a pool of max 2): the data
 * the advice's JSON carries adds up to the history, reads back from JSON as the same data, and is
 * drawn as a PNG and an SVG of the chart's size that name the advised max.
 */
class AdviceChartTest {

    @TempDir
    Path dir;

    @Test
    void aRecordedDaysAdviceCarriesItsChartAndIsDrawn() throws Exception {
        HistoryStore store = HistoryStore.inMemory(1_000_000);
        Traffic day = Traffic.dayLike("default-dvm", 2, 0.2, Duration.ofHours(8), 6, 12, Duration.ofMinutes(30), 42);
        RecordedTrace.record(day, "default-dvm", 2, 7_000, new HistoryRecorder(store, () -> 0L, 0L));
        long end = day.spanMs() + 60_000;
        LiveAdvice.Report r = LiveAdvice.advise("default-dvm", store.entries("default-dvm"), end,
                new LiveAdvice.Inputs(2, 400, 3, 0.01, Duration.ofSeconds(30)));
        AdviceChartData c = r.chart();

        long[] arrivals = Demand.arrivals(store.entries("default-dvm"), Long.MIN_VALUE);
        assertEquals(arrivals.length, Arrays.stream(c.requests()).sum(), "every request is in one bucket");
        assertTrue(c.requests().length <= AdviceChartData.MAX_BUCKETS, "buckets: " + c.requests().length);
        assertEquals(r.bursts().count(), c.bursts().size(), "the bursts of the advice are the bursts marked");
        assertEquals(r.recommendedMax(), c.advisedMax());
        AdviceChartData.Candidate advised = c.candidates().get(r.recommendedMax());
        assertTrue(advised.missShare() <= 0.01, "the advised max meets the target: " + advised);
        assertTrue(c.candidates().get(r.recommendedMax() - 1).missShare() > 0.01, "one less does not");
        assertEquals(Math.max(r.recommendedMax(), 2) + AdviceChartData.BEYOND + 1, c.candidates().size());
        assertEquals(store.entries("default-dvm").stream().filter(e -> e.kind() == HistoryEntry.Kind.HELD)
                .map(e -> e.held() * 400L).toList(), c.heldMiB().stream().map(AdviceChartData.Held::mib).toList(),
                "memory held: each HELD line's preloads × 400 MiB");

        ObjectMapper json = new ObjectMapper();
        AdviceChartData back = json.treeToValue(json.readTree(json.writeValueAsString(r)).get("chart"), AdviceChartData.class);
        assertEquals(c.candidates(), back.candidates());
        assertTrue(Arrays.equals(c.requests(), back.requests()));

        Path png = dir.resolve("advice.png");
        Path svg = dir.resolve("advice.svg");
        AdviceChart.write(back, "a recorded day", png);
        AdviceChart.write(back, "a recorded day", svg);
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "a PNG");
        assertEquals(AdviceChart.WIDTH, image.getWidth());
        assertEquals(AdviceChart.HEIGHT, image.getHeight());
        String text = Files.readString(svg);
        assertTrue(text.contains("advised preload-dispvm-max " + r.recommendedMax()), "the SVG names the advised max");
        String keep = System.getProperty("dispool.advice-chart.keep");
        if (keep != null) {
            Files.copy(png, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
