package dispool.advice;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYBarDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGUtils;

/**
 * The advice as a picture: above, on one time axis, the recorded requests per bucket with the
 * bursts shaded, and the memory preloads held; below, the replay's share of requests finding no
 * ready preload for each candidate {@code preload-dispvm-max}, the advised one in its own colour,
 * the current one outlined, and the miss target as a line. PNG or SVG by the file's name.
 */
public final class AdviceChart {

    static final int WIDTH = 1000;
    static final int HEIGHT = 820;
    private static final Color BLUE = new Color(0, 114, 178);
    private static final Color ORANGE = new Color(230, 159, 0);
    private static final Color VERMILION = new Color(213, 94, 0);
    private static final Color GREEN = new Color(0, 158, 115);
    private static final Color GREY = new Color(150, 150, 150);

    private AdviceChart() {
    }

    /** Writes the chart to {@code file}: SVG when its name ends in {@code .svg}, else PNG. */
    public static void write(AdviceChartData data, String subtitle, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true"); // a CLI on a server: no display needed
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".svg")) {
            SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
            draw(g, data, subtitle);
            SVGUtils.writeToSVG(file.toFile(), g.getSVGElement());
            return;
        }
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        draw(g, data, subtitle);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    static void draw(Graphics2D g, AdviceChartData data, String subtitle) {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        int top = (int) (HEIGHT * 0.6);
        timeChart(data, subtitle).draw(g, new Rectangle(0, 0, WIDTH, top));
        missChart(data).draw(g, new Rectangle(0, top, WIDTH, HEIGHT - top));
    }

    static JFreeChart timeChart(AdviceChartData d, String subtitle) {
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new DateAxis("time (the service's clock)"));
        plot.add(demand(d), 3);
        plot.add(held(d), 2);
        JFreeChart chart = new JFreeChart(d.template() + ": recorded demand and the memory preloads held",
                new Font("SansSerif", Font.BOLD, 15), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        if (subtitle != null && !subtitle.isBlank()) {
            chart.addSubtitle(new TextTitle(subtitle.length() > 160 ? subtitle.substring(0, 157) + "..." : subtitle,
                    new Font("SansSerif", Font.PLAIN, 11)));
        }
        return chart;
    }

    private static XYPlot demand(AdviceChartData d) {
        XYSeries s = new XYSeries("requests");
        for (int i = 0; i < d.requests().length; i++) {
            s.add(d.fromMs() + i * d.bucketMs() + d.bucketMs() / 2.0, d.requests()[i]);
        }
        XYBarRenderer r = new XYBarRenderer(0.1);
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, BLUE);
        NumberAxis axis = new NumberAxis("requests per " + duration(d.bucketMs()));
        axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        XYPlot p = new XYPlot(new XYBarDataset(new XYSeriesCollection(s), d.bucketMs()), null, axis, r);
        style(p);
        for (AdviceChartData.Burst b : d.bursts()) {
            // a burst shorter than a bucket still gets a visible band: a third of a bucket at least
            long pad = Math.max(0, d.bucketMs() / 3 - (b.toMs() - b.fromMs())) / 2;
            IntervalMarker m = new IntervalMarker(b.fromMs() - pad, b.toMs() + pad);
            m.setPaint(new Color(230, 159, 0, 70));
            p.addDomainMarker(m, Layer.BACKGROUND);
        }
        if (!d.bursts().isEmpty()) {
            ValueMarker label = new ValueMarker(d.bursts().get(0).fromMs());
            label.setPaint(new Color(0, 0, 0, 0));
            label.setLabel(String.format(Locale.ROOT, "shaded: %d bursts (largest %d requests)", d.bursts().size(),
                    d.bursts().stream().mapToInt(AdviceChartData.Burst::requests).max().orElse(0)));
            label.setLabelFont(new Font("SansSerif", Font.PLAIN, 11));
            label.setLabelPaint(VERMILION);
            label.setLabelBackgroundColor(new Color(255, 255, 255, 0));
            label.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            label.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            p.addDomainMarker(label);
        }
        return p;
    }

    private static XYPlot held(AdviceChartData d) {
        XYSeries s = new XYSeries("held");
        long last = 0;
        for (AdviceChartData.Held h : d.heldMiB()) {
            s.add(h.atMs(), h.mib());
            last = h.mib();
        }
        s.add(d.toMs(), last);
        XYStepRenderer r = new XYStepRenderer();
        r.setSeriesPaint(0, GREEN);
        r.setSeriesStroke(0, new BasicStroke(1.5f));
        XYPlot p = new XYPlot(new XYSeriesCollection(s), null, new NumberAxis("MiB held by preloads"), r);
        style(p);
        return p;
    }

    static JFreeChart missChart(AdviceChartData d) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (AdviceChartData.Candidate c : d.candidates()) {
            data.addValue(100 * c.missShare(), "misses", label(d, c.max()));
        }
        BarRenderer r = new BarRenderer() {
            @Override
            public java.awt.Paint getItemPaint(int row, int column) {
                int max = d.candidates().get(column).max();
                return d.advisedMax() != null && max == d.advisedMax() ? GREEN : max == d.currentMax() ? ORANGE : GREY;
            }
        };
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        // every bar says its share: the advised one is often at 0%, where no bar shows
        r.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}%", new java.text.DecimalFormat("0.#")));
        r.setDefaultItemLabelsVisible(true);
        r.setDefaultItemLabelFont(new Font("SansSerif", Font.PLAIN, 11));
        NumberAxis axis = new NumberAxis("% of requests finding no ready preload");
        axis.setUpperBound(105);
        CategoryAxis maxes = new CategoryAxis("preload-dispvm-max (replay of the recorded requests)");
        maxes.setMaximumCategoryLabelLines(2); // "12 advised" wraps under its bar instead of becoming "..."
        CategoryPlot p = new CategoryPlot(data, maxes, axis, r);
        p.setBackgroundPaint(Color.WHITE);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ValueMarker target = new ValueMarker(100 * d.missTarget());
        target.setPaint(VERMILION);
        target.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        target.setLabel(String.format(Locale.ROOT, "miss target %s%%", number(100 * d.missTarget())));
        target.setLabelFont(new Font("SansSerif", Font.PLAIN, 11));
        target.setLabelBackgroundColor(new Color(255, 255, 255, 0));
        target.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        target.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        p.addRangeMarker(target);
        String title = d.advisedMax() == null ? "no request recorded yet: no advice"
                : String.format(Locale.ROOT, "advised preload-dispvm-max %d (green), now %d (orange)", d.advisedMax(),
                        d.currentMax());
        JFreeChart chart = new JFreeChart(title, new Font("SansSerif", Font.BOLD, 14), p, false);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static String label(AdviceChartData d, int max) {
        boolean advised = d.advisedMax() != null && max == d.advisedMax();
        return max + (advised ? " advised" : "") + (max == d.currentMax() ? " now" : "");
    }

    private static void style(XYPlot p) {
        p.setBackgroundPaint(Color.WHITE);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        p.setDomainGridlinePaint(Color.LIGHT_GRAY);
    }

    private static String duration(long ms) {
        return ms >= 3_600_000 ? ms / 3_600_000 + " h" : ms >= 60_000 ? ms / 60_000 + " min" : ms / 1000 + " s";
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.1f", d);
    }
}
