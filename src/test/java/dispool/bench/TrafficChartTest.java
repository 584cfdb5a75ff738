package dispool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Paint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.junit.jupiter.api.Test;

/** One colour per policy across both panels, one legend entry per colour, memory as MiB held on average. */
class TrafficChartTest {

    private static TrafficResult result(String scenario, String policy, double mean, double mibSeconds) {
        Traffic t = new Traffic(scenario, "", List.of(), 0, Map.of());
        return new TrafficResult(t, policy, List.of(), new Stats(1, mean, mean, mean, mean * 2, mean * 2), 1, 0, 0,
                10_000, mibSeconds, Map.of(), Map.of(), 0);
    }

    @Test
    void aPolicyHasOneColourInBothPanelsAndTheLegendNamesEachColourOnce() {
        List<TrafficResult> results = List.of(result("bursts", "qubes", 900, 4000), result("bursts", "adaptive", 300, 8000),
                result("steady", "qubes", 500, 2000), result("steady", "adaptive", 400, 3000));
        JFreeChart chart = TrafficChart.chart("test", results);
        CombinedDomainCategoryPlot plot = (CombinedDomainCategoryPlot) chart.getPlot();
        @SuppressWarnings("unchecked")
        List<CategoryPlot> panels = plot.getSubplots();
        CategoryPlot latency = panels.get(0);
        CategoryPlot memory = panels.get(1);
        for (String policy : List.of("qubes", "adaptive")) {
            Paint mean = paint(latency, policy + " mean");
            assertEquals(mean, paint(memory, policy), policy + ": the same colour for speed and memory");
            assertEquals(TrafficChart.light((java.awt.Color) mean), paint(latency, policy + " p95"), policy + ": p95 a lighter shade");
        }
        LegendItemCollection legend = plot.getLegendItems();
        List<Paint> colours = new ArrayList<>();
        for (int i = 0; i < legend.getItemCount(); i++) {
            colours.add(legend.get(i).getFillPaint());
        }
        assertEquals(4, colours.size(), "two shades of two policies");
        assertEquals(4, colours.stream().distinct().count(), "no colour twice in the legend");
        assertEquals(800.0, memory.getDataset().getValue("adaptive", "bursts").doubleValue(), 1e-9,
                "8,000 MiB·s over a 10 s run: 800 MiB held on average");
    }

    private static Paint paint(CategoryPlot p, String series) {
        return p.getRenderer().getSeriesPaint(p.getDataset().getRowIndex(series));
    }
}
