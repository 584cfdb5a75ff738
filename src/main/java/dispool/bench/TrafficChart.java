package dispool.bench;

import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGUtils;

/**
 * The traffic scenarios as bars, one group per scenario and one bar per policy: request → usable
 * (mean, and p95 beside it) above, memory held by preloads over the run (MiB·s) below, so a
 * policy's speed and its memory are read together. Written as PNG and SVG.
 */
public final class TrafficChart {

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 700;

    private TrafficChart() {
    }

    public static void write(String measuredBy, List<TrafficResult> results, Path png, Path svg) throws IOException {
        System.setProperty("java.awt.headless", "true"); // a CLI on a server: no display needed
        JFreeChart chart = chart(measuredBy, results);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
        SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
        chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
        SVGUtils.writeToSVG(svg.toFile(), g.getSVGElement());
    }

    static JFreeChart chart(String measuredBy, List<TrafficResult> results) {
        DefaultCategoryDataset latency = new DefaultCategoryDataset();
        DefaultCategoryDataset memory = new DefaultCategoryDataset();
        for (TrafficResult r : results) {
            latency.addValue(r.stats().mean(), r.policy() + " mean", r.traffic().name());
            latency.addValue(r.stats().p95(), r.policy() + " p95", r.traffic().name());
            memory.addValue(r.mibSeconds(), r.policy(), r.traffic().name());
        }
        CombinedDomainCategoryPlot plot = new CombinedDomainCategoryPlot(new CategoryAxis("scenario"));
        plot.add(plot(latency, "request \u2192 usable, ms of host time"), 3);
        plot.add(plot(memory, "memory held by preloads, MiB\u00b7s"), 2);
        JFreeChart chart = new JFreeChart("dispool bench: traffic scenarios per refill policy",
                new Font("SansSerif", Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        String by = measuredBy.length() > 150 ? measuredBy.substring(0, 147) + "..." : measuredBy;
        chart.addSubtitle(new TextTitle(by, new Font("SansSerif", Font.PLAIN, 11)));
        return chart;
    }

    private static CategoryPlot plot(DefaultCategoryDataset data, String label) {
        BarRenderer r = new BarRenderer();
        r.setShadowVisible(false);
        r.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        Color[] colors = {new Color(0, 114, 178), new Color(86, 180, 233), new Color(213, 94, 0), new Color(240, 180, 140)};
        for (int i = 0; i < colors.length; i++) {
            r.setSeriesPaint(i, colors[i]);
        }
        CategoryPlot p = new CategoryPlot(data, null, new NumberAxis(label), r);
        p.setBackgroundPaint(Color.WHITE);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return p;
    }
}
