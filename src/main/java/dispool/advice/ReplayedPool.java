package dispool.advice;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The pool {@link PoolReplay} runs: ready preloads, refill timers, boots under way (each with the
 * work left, in ms of a boot alone) and the requests waiting, in arrival order, for the next
 * boot to finish. Time moves from event to event: a timer that starts a boot, a boot that ends.
 */
final class ReplayedPool {

    /** Work left below this is a finished boot (rounding of the shared progress). */
    private static final double DONE = 1e-6;

    private final Refills refills;
    private final long[] arrivalsMs;
    private final double[] usable;
    private final double readyMs;
    private final PriorityQueue<Double> timers = new PriorityQueue<>();
    private final List<double[]> boots = new ArrayList<>();
    private final Deque<Integer> waiting = new ArrayDeque<>();
    /** Times are kept from the first arrival on: epoch milliseconds as doubles would lose sub-ms precision. */
    private final long originMs;
    private int ready;
    private double now;

    ReplayedPool(int max, Refills refills, long[] arrivalsMs, double[] usable, double readyMs) {
        this.originMs = arrivalsMs.length == 0 ? 0 : arrivalsMs[0];
        this.ready = max;
        this.refills = refills;
        this.arrivalsMs = arrivalsMs;
        this.usable = usable;
        this.readyMs = readyMs;
    }

    /** Request {@code i} arrives (after {@link #advanceTo} its time): true when it found a ready preload, else it waits. */
    boolean handOut(int i) {
        if (ready > 0) {
            ready--;
            usable[i] = readyMs;
            timers.add(now + refills.delayMs());
            return true;
        }
        waiting.add(i);
        return false;
    }

    /** Runs every timer and boot end up to epoch ms {@code t} (an end at {@code t} itself included); infinite: all. */
    void advanceTo(double t) {
        double until = t - originMs;
        while (true) {
            double slowdown = refills.slowdown(boots.size());
            double[] first = null; // the boot with the least work left ends first: all run at one pace
            for (double[] b : boots) {
                first = first == null || b[0] < first[0] ? b : first;
            }
            double nextEnd = first == null ? Double.POSITIVE_INFINITY : now + first[0] * slowdown;
            double nextTimer = timers.isEmpty() ? Double.POSITIVE_INFINITY : timers.peek();
            double next = Math.min(nextEnd, nextTimer);
            if (next > until || next == Double.POSITIVE_INFINITY) {
                if (until != Double.POSITIVE_INFINITY) {
                    progress(until, slowdown);
                }
                return;
            }
            progress(next, slowdown);
            if (nextTimer <= nextEnd) {
                timers.poll();
                boots.add(new double[] {refills.bootMs()});
            } else {
                first[0] = 0; // the one that ended, whatever the rounding of the shared progress left
                finishBoots();
            }
        }
    }

    private void progress(double to, double slowdown) {
        if (to <= now) {
            return;
        }
        double work = (to - now) / slowdown;
        boots.forEach(b -> b[0] -= work);
        now = to;
    }

    /** A finished boot serves the first waiting request (its slot refills after it) or is ready. */
    private void finishBoots() {
        for (int j = boots.size() - 1; j >= 0; j--) {
            if (boots.get(j)[0] <= DONE) {
                boots.remove(j);
                Integer w = waiting.poll();
                if (w == null) {
                    ready++;
                } else {
                    usable[w] = now - (arrivalsMs[w] - originMs) + readyMs;
                    timers.add(now + refills.delayMs());
                }
            }
        }
    }
}
