package dispool.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a REST hand-out's time goes, from the outside in: the caller's round trip (RestLoad's clock),
 * the service's own time for the request (Quarkus' {@code http_server_requests} timer, from the request's
 * head read on the event loop to its answer written: the filter, the hop to an engine worker and back,
 * the engine, the answer's body), and the engine's hand-out on its worker (each answer's
 * {@code usableAfterMs}, host time, divided by the simulator's time scale). The differences are the
 * transport and the callers' wake-ups (caller − service) and the event loop's part with the hop
 * (service − engine). Quarkus' timer has no percentiles here, so the split is of means.
 */
final class RestServerTimes {

    private static final Pattern USABLE_AFTER = Pattern.compile("\"usableAfterMs\"\\s*:\\s*([0-9.eE+-]+)");
    /** A timer's line: its count or sum, its labels (a uri label holds braces of its own: {template}), its value. */
    private static final Pattern SERVER_TIMER = Pattern.compile(
            "^http_server_requests_seconds_(count|sum)\\{(.*)} (\\S+)$", Pattern.MULTILINE);

    private RestServerTimes() {
    }

    /** The engine's hand-out time in an answer's body, in wall ns at this time scale; -1 if the body has none. */
    static long engineNanos(String body, double timeScale) {
        Matcher m = USABLE_AFTER.matcher(body);
        return m.find() ? (long) (Double.parseDouble(m.group(1)) * 1e6 / timeScale) : -1;
    }

    /** Whether a hand-out's answer says it waited for a preload still starting (its timings' stage). */
    static boolean waitedForStart(String body) {
        return body.contains("\"wait-operational\"");
    }

    /** Quarkus' count and sum (seconds) of hand-outs answered 201, summed over the timer's tag sets, from a scrape. */
    static double[] handOutTimer(String prometheusText) {
        double[] countAndSum = new double[2];
        Matcher m = SERVER_TIMER.matcher(prometheusText);
        boolean any = false;
        while (m.find()) {
            // the hand-out is the only POST answered 201 in this bench
            if (m.group(2).contains("method=\"POST\"") && m.group(2).contains("status=\"201\"")) {
                countAndSum["count".equals(m.group(1)) ? 0 : 1] += Double.parseDouble(m.group(3));
                any = true;
            }
        }
        if (!any) {
            throw new IllegalStateException("/q/metrics has no http_server_requests_seconds timer for POST answered 201:"
                    + " is quarkus-micrometer's HTTP server binder on (quarkus.micrometer.binder.http-server.enabled)?");
        }
        return countAndSum;
    }

    /**
     * One line: the means of the caller's round trip, the service's time (two scrapes around the measured part)
     * and the engine's, and the engine's p50; {@code engine} sorted, in ns.
     */
    static String line(long[] caller, double[] scrapeBefore, double[] scrapeAfter, long[] engine) {
        double count = scrapeAfter[0] - scrapeBefore[0];
        double serviceMs = count > 0 ? (scrapeAfter[1] - scrapeBefore[1]) * 1000 / count : Double.NaN;
        double callerMs = Arrays.stream(caller).average().orElse(Double.NaN) / 1e6;
        double engineMs = Arrays.stream(engine).average().orElse(Double.NaN) / 1e6;
        double engineP50 = engine.length == 0 ? Double.NaN : engine[engine.length / 2] / 1e6;
        return String.format(Locale.ROOT, "  hand-out mean ms: caller %.3f, service %.3f (Quarkus' timer, %.0f answers), "
                + "engine %.3f (p50 %.3f); caller - service %.3f (transport, callers' wake-ups), service - engine %.3f "
                + "(event loop, hop to a worker and back)", callerMs, serviceMs, count, engineMs, engineP50,
                callerMs - serviceMs, serviceMs - engineMs);
    }
}
