package dispool.bench;

import dispool.pool.HandOut;

/**
 * One hand-out of a scenario. Times are host-time milliseconds.
 *
 * @param iteration     0-based request number
 * @param name          the disposable handed out
 * @param path          how it was handed out: {@code ready} (a ready preload), {@code waited} (a
 *                      preload still starting, waited for), {@code cold} (created and started)
 * @param usableAfterMs the engine's request → usable time ({@link HandOut#usableAfterMs()}):
 *                      Qubes' "response" less the client lookup and the probe's own qrexec call
 * @param clientMs      request → reply as the bench saw it (adds the engine's queueing, and HTTP
 *                      in the REST mode)
 * @param removeMs      the removal that followed (Qubes' {@code clean} stage), as the bench saw it
 * @param startMs       when the request was sent, from the scenario's start
 */
public record Sample(int iteration, String name, String path, double usableAfterMs, double clientMs, double removeMs,
        double startMs) {

    public static final String READY = "ready";
    public static final String WAITED = "waited";
    public static final String COLD = "cold";

    /** The path a hand-out took, from its stage timings. */
    public static String pathOf(HandOut h) {
        if (!h.preloaded()) {
            return COLD;
        }
        return h.timings().containsKey("wait-operational") ? WAITED : READY;
    }
}
