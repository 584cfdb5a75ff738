package dispool.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A traffic scenario: requests that arrive at given host times (open loop: a request is sent at
 * its time whether or not earlier ones are served), at most {@code inFlight} outstanding (0: no
 * limit; a request past the limit is sent when one returns, as Qubes' concurrent test does), on
 * pools set to {@code maxes}. Every generator is seeded, so each policy sees the same requests.
 *
 * @param name        short name for the table
 * @param description what it models, in words
 * @param arrivals    the requests, by time
 * @param inFlight    most requests outstanding at once; 0 = unlimited
 * @param maxes       preload-dispvm-max per template during the scenario
 * @param policyMaxes  a policy's own preload-dispvm-max per template, where the user would set
 *                     another one for it: a fixed pool ({@code qubes}) is set to what memory can
 *                     hold all the time, {@code adaptive}'s max is only a ceiling
 */
public record Traffic(String name, String description, List<Arrival> arrivals, int inFlight, Map<String, Integer> maxes,
        Map<String, Map<String, Integer>> policyMaxes) {

    /** One request: at {@code atMs} of host time from the scenario's start, for {@code template}. */
    public record Arrival(long atMs, String template) {
    }

    public Traffic {
        arrivals = arrivals.stream().sorted(Comparator.comparingLong(Arrival::atMs)).toList();
        maxes = Map.copyOf(maxes);
        policyMaxes = Map.copyOf(policyMaxes);
    }

    public Traffic(String name, String description, List<Arrival> arrivals, int inFlight, Map<String, Integer> maxes) {
        this(name, description, arrivals, inFlight, maxes, Map.of());
    }

    /** preload-dispvm-max per template for a run under {@code policy}. */
    public Map<String, Integer> maxesFor(String policy) {
        return policyMaxes.getOrDefault(policy, maxes);
    }

    /** The same traffic with {@code policy} run at {@code max} on every template. */
    public Traffic withMax(String policy, int max) {
        Map<String, Integer> m = new LinkedHashMap<>();
        maxes.keySet().forEach(t -> m.put(t, max));
        Map<String, Map<String, Integer>> all = new LinkedHashMap<>(policyMaxes);
        all.put(policy, m);
        return new Traffic(name, description, arrivals, inFlight, maxes, all);
    }

    /** Host time from the first request to the last one. */
    public long spanMs() {
        return arrivals.isEmpty() ? 0 : arrivals.get(arrivals.size() - 1).atMs() - arrivals.get(0).atMs();
    }

    /** Requests at random (Poisson) at {@code perMinute}, for {@code length}. */
    public static Traffic steady(String template, int max, double perMinute, Duration length, long seed) {
        List<Arrival> a = poisson(template, perMinute, 0, length.toMillis(), new SplittableRandom(seed));
        return new Traffic("steady", String.format(java.util.Locale.ROOT, "Poisson arrivals, %.0f/min for %d min",
                perMinute, length.toMinutes()), a, 0, Map.of(template, max));
    }

    /**
     * Qubes' concurrent test ({@code dom0-dispvm-preload-concurrent-api}) repeated: {@code bursts}
     * bursts of {@code size} requests with {@code inFlight} at once, {@code apart} between the starts.
     */
    public static Traffic qubesBursts(String template, int max, int bursts, int size, int inFlight, Duration apart) {
        List<Arrival> a = new ArrayList<>();
        for (int b = 0; b < bursts; b++) {
            for (int i = 0; i < size; i++) {
                a.add(new Arrival(b * apart.toMillis(), template));
            }
        }
        return new Traffic("bursts", bursts + " bursts of " + size + " requests, " + inFlight + " in flight, "
                + apart.toSeconds() + " s apart", a, inFlight, Map.of(template, max));
    }

    /** Two templates at random, {@code ratio}:1 of {@code perMinute} in all, both pools set to {@code max}. */
    public static Traffic competing(String busy, String quiet, int max, double perMinute, int ratio, Duration length,
            long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Arrival> a = new ArrayList<>(poisson(busy, perMinute * ratio / (ratio + 1), 0, length.toMillis(), r));
        a.addAll(poisson(quiet, perMinute / (ratio + 1), 0, length.toMillis(), r));
        Map<String, Integer> maxes = new LinkedHashMap<>();
        maxes.put(busy, max);
        maxes.put(quiet, max);
        return new Traffic("two-templates", String.format(java.util.Locale.ROOT, "%s and %s at random, demand %d:1, "
                + "%.0f/min in all, for %d min", busy, quiet, ratio, perMinute, length.toMinutes()), a, 0, maxes);
    }

    /**
     * A day compressed: a quiet stretch of random requests at {@code quietPerMinute}, then
     * {@code bursts} bursts of {@code burstSize} requests (2 s apart within a burst) every
     * {@code burstEvery}, still with the quiet requests between them.
     */
    public static Traffic dayLike(String template, int max, double quietPerMinute, Duration quiet, int bursts,
            int burstSize, Duration burstEvery, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long end = quiet.toMillis() + bursts * burstEvery.toMillis();
        List<Arrival> a = new ArrayList<>(poisson(template, quietPerMinute, 0, end, r));
        for (int b = 0; b < bursts; b++) {
            long start = quiet.toMillis() + b * burstEvery.toMillis() + r.nextLong(burstEvery.toMillis() / 2);
            for (int i = 0; i < burstSize; i++) {
                a.add(new Arrival(start + i * 2_000L, template));
            }
        }
        return new Traffic("day-like", String.format(java.util.Locale.ROOT, "quiet %d min at %.1f/min, then %d bursts of "
                + "%d every %d min", quiet.toMinutes(), quietPerMinute, bursts, burstSize, burstEvery.toMinutes()), a, 0,
                Map.of(template, max));
    }

    /**
     * A ramp: random requests whose rate rises in a straight line from {@code lowPerMinute} to
     * {@code highPerMinute} over the first half of {@code length} and falls back over the second
     * (a working day's morning and evening in an hour: demand a fixed pool is sized for only at
     * the top).
     */
    public static Traffic ramp(String template, int max, double lowPerMinute, double highPerMinute, Duration length,
            long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long end = length.toMillis();
        // thinning: candidates at the top rate, each kept with the share the rate at its time has of the top
        List<Arrival> a = new ArrayList<>();
        for (Arrival c : poisson(template, highPerMinute, 0, end, r)) {
            double climb = 1 - Math.abs(2.0 * c.atMs() / end - 1);
            if (r.nextDouble() * highPerMinute < lowPerMinute + (highPerMinute - lowPerMinute) * climb) {
                a.add(c);
            }
        }
        return new Traffic("ramp", String.format(java.util.Locale.ROOT, "Poisson arrivals rising from %.1f/min to "
                + "%.0f/min and back over %d min", lowPerMinute, highPerMinute, length.toMinutes()), a, 0,
                Map.of(template, max));
    }

    private static List<Arrival> poisson(String template, double perMinute, long fromMs, long toMs, SplittableRandom r) {
        List<Arrival> a = new ArrayList<>();
        double meanGapMs = 60_000 / perMinute;
        for (double t = fromMs - meanGapMs * Math.log(1 - r.nextDouble()); t < toMs;
                t -= meanGapMs * Math.log(1 - r.nextDouble())) {
            a.add(new Arrival((long) t, template));
        }
        return a;
    }
}
