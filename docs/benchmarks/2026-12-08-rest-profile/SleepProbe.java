import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How long the simulator's sleeps last in wall time: its Clock.sleep converts host time to wall time and
 * calls TimeUnit.NANOSECONDS.sleep, which on JDK 17 ends in Thread.sleep(ms, ns), and that rounds any
 * nanoseconds up to one more millisecond; LockSupport.parkNanos beside it. 250 ns is the simulated
 * unpause (25 ms of host time) at time scale 100,000; 500 µs the same at time scale 50 (dispool bench).
 * Run: java docs/benchmarks/2026-12-08-rest-profile/SleepProbe.java
 */
public class SleepProbe {
    public static void main(String[] args) throws InterruptedException {
        int n = 200;
        for (long asked : new long[] {250, 500_000}) {
            long[] sleep = new long[n];
            long[] park = new long[n];
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                TimeUnit.NANOSECONDS.sleep(asked);
                sleep[i] = System.nanoTime() - t;
                t = System.nanoTime();
                LockSupport.parkNanos(asked);
                park[i] = System.nanoTime() - t;
            }
            Arrays.sort(sleep);
            Arrays.sort(park);
            System.out.printf("asked %d ns: TimeUnit.NANOSECONDS.sleep p50 %.3f ms, LockSupport.parkNanos p50 %.3f ms (%s)%n",
                    asked, sleep[n / 2] / 1e6, park[n / 2] / 1e6, System.getProperty("java.version"));
        }
    }
}
