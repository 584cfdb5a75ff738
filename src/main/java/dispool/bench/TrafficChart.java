package dispool.bench;

import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
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
 * (mean, and p95 beside it in a lighter shade) above, memory held by preloads on average over the
 * run (MiB) below, so a policy's speed and its memory are read together. A policy has one colour
 * in both panels, and the legend names each colour once. Written as PNG and SVG.
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

    /** Colour-blind-safe (Okabe–Ito): blue, vermillion, bluish green, reddish purple; a policy keeps its colour. */
    private static final Color[] POLICY_COLOURS = {new Color(0, 114, 178), new Color(213, 94, 0), new Color(0, 158, 115),
        new Color(204, 121, 167)};

    static JFreeChart chart(String measuredBy, List<TrafficResult> results) {
        DefaultCategoryDataset latency = new DefaultCategoryDataset();
        DefaultCategoryDataset memory = new DefaultCategoryDataset();
        for (TrafficResult r : results) {
            latency.addValue(r.stats().mean(), r.policy() + " mean", r.traffic().name());
            latency.addValue(r.stats().p95(), r.policy() + " p95", r.traffic().name());
            memory.addValue(meanHeldMiB(r), r.policy(), r.traffic().name());
        }
        List<String> policies = results.stream().map(TrafficResult::policy).distinct().toList();
        CombinedDomainCategoryPlot plot = new CombinedDomainCategoryPlot(new CategoryAxis("scenario"));
        plot.add(plot(latency, "request \u2192 usable, ms of host time", policies), 3);
        plot.add(plot(memory, "memory held by preloads, MiB on average", policies), 2);
        plot.setFixedLegendItems(legend(policies));
        return titled("dispool bench: traffic scenarios per refill policy", plot, measuredBy);
    }

    /** A bench chart: its title, a white background and what measured it as the subtitle (cut at 150 characters). */
    static JFreeChart titled(String title, org.jfree.chart.plot.Plot plot, String measuredBy) {
        JFreeChart chart = new JFreeChart(title, new Font("SansSerif", Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        String by = measuredBy.length() > 150 ? measuredBy.substring(0, 147) + "..." : measuredBy;
        chart.addSubtitle(new TextTitle(by, new Font("SansSerif", Font.PLAIN, 11)));
        return chart;
    }

    /** MiB held by preloads on average over the run: MiB·s over the span. */
    static double meanHeldMiB(TrafficResult r) {
        return r.spanMs() > 0 ? r.mibSeconds() * 1000 / r.spanMs() : 0;
    }

    static Color colour(List<String> policies, String policy) {
        return POLICY_COLOURS[Math.max(0, policies.indexOf(policy)) % POLICY_COLOURS.length];
    }

    /** The same hue, lighter: a policy's p95 beside its mean. */
    static Color light(Color c) {
        return new Color((c.getRed() + 2 * 255) / 3, (c.getGreen() + 2 * 255) / 3, (c.getBlue() + 2 * 255) / 3);
    }

    /** One entry per policy and shade: "qubes: mean, memory", "qubes: p95". */
    private static LegendItemCollection legend(List<String> policies) {
        LegendItemCollection items = new LegendItemCollection();
        for (String p : policies) {
            items.add(new LegendItem(p + ": mean, memory", colour(policies, p)));
            items.add(new LegendItem(p + ": p95", light(colour(policies, p))));
        }
        return items;
    }

    /** Series are named "policy" or "policy mean" / "policy p95": coloured by policy, the p95 lighter. */
    private static CategoryPlot plot(DefaultCategoryDataset data, String label, List<String> policies) {
        BarRenderer r = new BarRenderer();
        r.setShadowVisible(false);
        r.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        for (int i = 0; i < data.getRowCount(); i++) {
            String series = data.getRowKey(i).toString();
            String policy = series.replaceFirst(" (mean|p95)$", "");
            Color c = colour(policies, policy);
            r.setSeriesPaint(i, series.endsWith(" p95") ? light(c) : c);
        }
        CategoryPlot p = new CategoryPlot(data, null, new NumberAxis(label), r);
        p.setBackgroundPaint(Color.WHITE);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return p;
    }
}
