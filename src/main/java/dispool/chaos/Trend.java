package dispool.chaos;

import java.util.List;

/**
 * Whether a figure sampled over a soak grows with time beyond its noise. A least-squares line is
 * fitted to the samples after the warm-up; its rise over the span (slope × span) counts as growth
 * only when it is above all of: three standard errors of the slope times the span (noise), a tenth
 * of the mean (a drift too small to matter over a week), and {@code floor} (the figure's own unit
 * of noise: a thread, a few fds).
 *
 * @param name  the figure
 * @param mean  its mean over the samples fitted
 * @param rise  slope × span, in the figure's unit
 * @param limit the largest rise counted as flat
 */
public record Trend(String name, double mean, double rise, double limit) {

    public boolean flat() {
        return rise <= limit;
    }

    static Trend of(String name, List<double[]> points, double floor) {
        int n = points.size();
        double mx = 0;
        double my = 0;
        for (double[] p : points) {
            mx += p[0] / n;
            my += p[1] / n;
        }
        double sxx = 0;
        double sxy = 0;
        for (double[] p : points) {
            sxx += (p[0] - mx) * (p[0] - mx);
            sxy += (p[0] - mx) * (p[1] - my);
        }
        double slope = sxx == 0 ? 0 : sxy / sxx;
        double residuals = 0;
        for (double[] p : points) {
            double r = p[1] - (my + slope * (p[0] - mx));
            residuals += r * r;
        }
        double stdErr = n > 2 && sxx > 0 ? Math.sqrt(residuals / (n - 2) / sxx) : 0;
        double span = points.isEmpty() ? 0 : points.get(n - 1)[0] - points.get(0)[0];
        double limit = Math.max(Math.max(3 * stdErr * span, Math.abs(my) / 10), floor);
        return new Trend(name, my, slope * span, limit);
    }
}
