package dispool.pool;

import java.util.OptionalLong;
import java.util.PriorityQueue;

/**
 * One pool's pending refills, in host time, for its {@link RefillPolicy}: each entry is one
 * sleeping refill (qubesd runs one coroutine per trigger; they stack), and a hold that keeps the
 * pool from filling until a timer wakes (a negative {@code preload-dispvm-delay}).
 */
final class RefillTimers {

    private final PriorityQueue<Long> wakeAt = new PriorityQueue<>();
    private boolean held;

    synchronized void add(long atNanos) {
        wakeAt.add(atNanos);
    }

    /** Removes every timer that woke by {@code nowNanos}; true when there was one. */
    synchronized boolean takeWoken(long nowNanos) {
        boolean woke = false;
        while (!wakeAt.isEmpty() && wakeAt.peek() <= nowNanos) {
            wakeAt.poll();
            woke = true;
        }
        return woke;
    }

    /** When the next timer wakes; empty when none sleeps. */
    synchronized OptionalLong next() {
        return wakeAt.isEmpty() ? OptionalLong.empty() : OptionalLong.of(wakeAt.peek());
    }

    synchronized boolean isHeld() {
        return held;
    }

    synchronized void hold(boolean on) {
        held = on;
    }

    synchronized int sleeping() {
        return wakeAt.size();
    }
}
