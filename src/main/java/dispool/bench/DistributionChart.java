package dispool.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGUtils;

/**
 * The latency distribution per scenario as a strip chart: one row per scenario, one dot per
 * request on a logarithmic time axis (preloaded hand-outs take milliseconds, cold ones seconds),
 * coloured by how the request was served, with each row's median marked. Written as PNG and SVG.
 */
public final class DistributionChart {

    private static final int WIDTH = 1000;
    private static final double JITTER = 0.07;

    private DistributionChart() {
    }

    public static void write(BenchRun run, Path png, Path svg) throws IOException {
        System.setProperty("java.awt.headless", "true"); // a CLI on a server: no display needed
        JFreeChart chart = chart(run);
        int height = 150 + 34 * run.results().size();
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, height);
        SVGGraphics2D g = new SVGGraphics2D(WIDTH, height);
        chart.draw(g, new Rectangle(0, 0, WIDTH, height));
        SVGUtils.writeToSVG(svg.toFile(), g.getSVGElement());
    }

    static JFreeChart chart(BenchRun run) {
        List<ScenarioResult> rows = run.results();
        XYSeriesCollection data = new XYSeriesCollection();
        XYSeries ready = new XYSeries("ready preload", false);
        XYSeries waited = new XYSeries("waited for a starting preload", false);
        XYSeries cold = new XYSeries("cold", false);
        XYSeries median = new XYSeries("median", false);
        for (int row = 0; row < rows.size(); row++) {
            for (Sample s : rows.get(row).samples()) {
                XYSeries series = s.path().equals(Sample.READY) ? ready : s.path().equals(Sample.WAITED) ? waited : cold;
                series.add(row + jitter(s.iteration()), Math.max(0.1, s.usableAfterMs()));
            }
            median.add(row, Math.max(0.1, rows.get(row).stats().median()));
        }
        List.of(ready, waited, cold, median).forEach(data::addSeries);
        XYPlot plot = new XYPlot(data, rowAxis(run), timeAxis(), renderer());
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(new Color(235, 235, 235));
        JFreeChart chart = new JFreeChart("dispool bench: request \u2192 usable per scenario",
                new Font("SansSerif", Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(new TextTitle(subtitle(run.info()), new Font("SansSerif", Font.PLAIN, 11)));
        return chart;
    }

    private static SymbolAxis rowAxis(BenchRun run) {
        boolean manyTemplates = run.templates().size() > 1;
        String[] names = run.results().stream().map(r -> (manyTemplates ? r.scenario().template() + " " : "")
                + r.scenario().name()).toArray(String[]::new);
        SymbolAxis axis = new SymbolAxis(null, names);
        axis.setInverted(true); // first scenario at the top, as in the table
        axis.setGridBandsVisible(false);
        return axis;
    }

    private static LogAxis timeAxis() {
        LogAxis axis = new LogAxis("request \u2192 usable, ms of host time (log scale)");
        axis.setBase(10);
        axis.setSmallestValue(0.1);
        axis.setTickUnit(new NumberTickUnit(1)); // one tick per decade: 1, 10, 100, 1,000 ms
        axis.setMinorTickCount(9);
        axis.setMinorTickMarksVisible(true);
        axis.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.#"));
        return axis;
    }

    private static XYLineAndShapeRenderer renderer() {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        Color[] colors = {new Color(0, 114, 178), new Color(230, 159, 0), new Color(213, 94, 0), Color.BLACK};
        for (int i = 0; i < colors.length; i++) {
            r.setSeriesPaint(i, colors[i]);
            r.setSeriesShape(i, i == 3 ? new Rectangle2D.Double(-1.5, -9, 3, 18) : new Ellipse2D.Double(-3.5, -3.5, 7, 7));
        }
        r.setSeriesStroke(3, new BasicStroke(2f));
        return r;
    }

    /** Spreads a row's dots vertically so equal times stay visible. */
    private static double jitter(int iteration) {
        return ((iteration % 5) - 2) * JITTER;
    }

    private static String subtitle(RunInfo i) {
        String by = i.measuredBy().length() > 150 ? i.measuredBy().substring(0, 147) + "..." : i.measuredBy();
        return String.format(Locale.ROOT, "%s%n%s, %d CPUs, %s; %d requests per scenario", by, i.cpuModel(), i.cpus(),
                i.jdk(), i.iterations());
    }
}
