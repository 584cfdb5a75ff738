package dispool.chaos;

/**
 * What a soak does ({@link SoakRun}): day-like traffic on {@code templates} DVM templates for
 * {@code hours} simulated hours with every fault kind on, sampling the process every simulated hour.
 *
 * @param hours     simulated hours (a week: 168)
 * @param templates DVM templates (1 to 10)
 * @param timeScale simulated time per wall time (700: a week in 14.4 minutes)
 * @param seed      seeds the simulator, the traffic and the fault draws
 * @param peakPerHour hand-outs per template and hour at the day's busiest (night: a twentieth of it)
 */
public record SoakPlan(int hours, int templates, double timeScale, long seed, double peakPerHour) {

    /** The full form: a simulated week on 10 templates in about 15 minutes. */
    public static SoakPlan week(long seed) {
        return new SoakPlan(7 * 24, 10, 700, seed, 30);
    }

    public SoakPlan {
        if (hours < 2 || templates < 1 || templates > 10 || !(timeScale > 0) || !(peakPerHour > 0)) {
            throw new IllegalArgumentException("soak plan refused: at least 2 hours, 1 to 10 templates, a time scale and "
                    + "a peak rate above 0 (got " + hours + " h, " + templates + " templates, scale " + timeScale
                    + ", peak " + peakPerHour + "/h)");
        }
    }

    /** Day-like demand, hand-outs per template and hour at simulated hour {@code hour} (0 = midnight). */
    double ratePerHour(int hour) {
        int h = hour % 24;
        if (h < 7) {
            return peakPerHour / 20; // night
        }
        if (h < 9) {
            return peakPerHour * (h - 6) / 3; // morning ramp
        }
        if (h < 18) {
            return peakPerHour;
        }
        return peakPerHour / 4; // evening
    }
}
