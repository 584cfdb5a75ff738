package dispool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BenchStatsTest {

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
        // nv56 fedora-42-xfce preloaded series from reference/qubes-perf.md: median 0.52, mean 0.91
        double[] qubes = {0.40, 0.49, 1.12, 1.19, 1.34, 0.29, 0.52, 0.42, 0.43, 2.66, 1.55, 0.53};
        Stats s = Stats.of(qubes);
        assertEquals(12, s.count());
        assertEquals(0.29, s.min(), 1e-9);
        assertEquals(0.525, s.median(), 1e-9);
        assertEquals(0.91, s.mean(), 0.005);
        assertEquals(2.66, s.max(), 1e-9);
    }

    @Test
    void percentilesInterpolateBetweenTheNearestRanks() {
        double[] oneToEleven = {11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(10.5, Stats.of(oneToEleven).p95(), 1e-9);
        assertEquals(1, Stats.percentile(new double[] {1, 2}, 0), 1e-9);
        assertEquals(1.5, Stats.percentile(new double[] {1, 2}, 0.5), 1e-9);
        assertEquals(2, Stats.percentile(new double[] {1, 2}, 1), 1e-9);
    }

    @Test
    void oneValueIsEveryStatistic() {
        Stats s = Stats.of(new double[] {7.0});
        assertEquals(new Stats(1, 7, 7, 7, 7, 7), s);
    }

    @Test
    void nothingToSummarizeOrABadQuantileIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Stats.of(new double[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Stats.percentile(new double[] {1}, 1.5));
        assertEquals("quantile 1.5 refused: must be from 0 to 1", e.getMessage());
    }
}
