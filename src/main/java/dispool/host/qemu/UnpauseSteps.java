package dispool.host.qemu;

/**
 * One unpause of a disposable, step by step ({@link System#nanoTime()} stamps): what a preloaded
 * hand-out spends on this host, for the QEMU bench's per-hand-out timeline. The agent's ping is
 * written before QMP {@code cont} (see {@code GuestRuns.unpause}), so {@code answerRead} may come
 * before {@code contReply}.
 *
 * @param qube        the disposable resumed
 * @param pausedAt    when its pause ended (QMP {@code stop} answered); 0 when unknown (paused before the
 *                    listener was set, or never)
 * @param start       the unpause begins (the engine has claimed the preload)
 * @param pingWritten the agent's ping is on the guest's port; QMP {@code cont} is written next, on the
 *                    same thread, so this is also when the {@code cont} goes out
 * @param contReply   QMP's reply to it read
 * @param answerRead  the agent's answer read by its reader thread
 * @param awake       the unpausing thread has the answer: the unpause returns
 * @param launching   QEMU processes of this host launched and not yet answering QMP, at the start
 * @param booting     guests running whose agent had not yet answered (booting), at the start
 */
public record UnpauseSteps(String qube, long pausedAt, long start, long pingWritten, long contReply,
        long answerRead, long awake, int launching, int booting) {

    /** How long the guest had been paused, ms; NaN when unknown. */
    public double pausedMs() {
        return pausedAt == 0 ? Double.NaN : ms(start - pausedAt);
    }

    /** {@code stamp} in ms after the unpause began. */
    public static double since(long from, long stamp) {
        return ms(stamp - from);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
