package dispool.bench;

import dispool.pool.HandOut;

/**
 * What a bench drives: the embedded engine or a running service. The scenarios are written once
 * against this; each implementation says which host measures.
 */
public interface BenchTarget extends AutoCloseable {

    /** Which host measured, in words: the simulator with its time scale and seed, or the service at a URL. */
    String describe();

    /** Host time per wall time (the simulator's time scale; 1 for a real host). */
    double timeScale();

    /** Sets the template's preload-dispvm-max. */
    void setMax(String template, int max);

    /** Unsets the template's preload-dispvm-max (dom0's global max may then govern it). */
    void unsetMax(String template);

    /** The template's pool as the engine sees it now. */
    PoolState pool(String template);

    /** Takes one disposable of the template (preloaded when one is ready, cold otherwise). */
    HandOut handOut(String template);

    /** Removes a disposable that was handed out (Qubes' {@code clean} stage). */
    void remove(String name);

    @Override
    void close();

    /**
     * A pool's counts.
     *
     * @param max       preload-dispvm-max in effect
     * @param ready     preloads ready to hand out
     * @param starting  preloads still starting
     * @param total     every preload the pool holds, in any state
     * @param memoryMiB memory of each preload
     * @param delaySeconds preload-dispvm-delay in effect (refill delay after a hand-out)
     * @param maxIsLocal   the max is the template's own feature (not dom0's, not unset)
     */
    record PoolState(int max, int ready, int starting, int total, long memoryMiB, double delaySeconds, boolean maxIsLocal) {

        boolean isFull() {
            return ready == max && starting == 0 && total == max;
        }

        boolean isEmpty() {
            return total == 0;
        }

        /** Puts the template's max back as this state had it. */
        void restore(BenchTarget target, String template) {
            if (maxIsLocal) {
                target.setMax(template, max);
            } else {
                target.unsetMax(template);
            }
        }
    }
}
