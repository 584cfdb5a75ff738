package dispool.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The per-burst decision log ({@link BurstLog}) as grouped bars, one group per burst (and
 * template): the policy's want, the ready and starting preloads at the burst's start, the
 * start-capacity estimate, and how many of the burst's requests found a ready preload — a late
 * burst served worse than the early ones shows which figure fell with it. Written as PNG.
 */
public final class BurstChart {

    private static final int HEIGHT = 600;
    /** Colour-blind-safe (Okabe–Ito), one per figure. */
    private static final Color[] COLOURS = {new Color(0, 114, 178), new Color(0, 158, 115), new Color(240, 228, 66),
        new Color(204, 121, 167), new Color(213, 94, 0)};

    private BurstChart() {
    }

    public static Path write(String measuredBy, List<BurstLog.Row> rows, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true"); // a CLI on a server: no display needed
        Path png = dir.resolve("bursts.png");
        ChartUtils.saveChartAsPNG(png.toFile(), chart(measuredBy, rows), Math.max(800, 60 * rows.size() + 200), HEIGHT);
        return png;
    }

    static JFreeChart chart(String measuredBy, List<BurstLog.Row> rows) {
        boolean templates = rows.stream().map(BurstLog.Row::template).distinct().count() > 1;
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (BurstLog.Row r : rows) {
            String at = BurstLog.label(r, templates);
            data.addValue(Math.max(0, r.want()), "want", at);
            data.addValue(r.ready(), "ready at start", at);
            data.addValue(r.starting(), "starting at start", at);
            data.addValue(r.startsAtOnce(), "start capacity (at once)", at);
            data.addValue(r.servedReady(), "served ready", at);
        }
        BarRenderer renderer = new BarRenderer();
        renderer.setShadowVisible(false);
        renderer.setBarPainter(new StandardBarPainter());
        for (int i = 0; i < COLOURS.length; i++) {
            renderer.setSeriesPaint(i, COLOURS[i]);
        }
        CategoryAxis bursts = new CategoryAxis("scenario/policy #burst");
        bursts.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        NumberAxis count = new NumberAxis("preloads / requests");
        count.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        CategoryPlot plot = new CategoryPlot(data, bursts, count, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return TrafficChart.titled("dispool bench: the pool at each burst's start", plot, measuredBy);
    }
}
